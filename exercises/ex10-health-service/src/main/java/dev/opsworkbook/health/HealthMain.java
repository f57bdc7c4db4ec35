package dev.opsworkbook.health;

/**
 * The composition root: reads the command line, builds the checks and the service by hand (constructor injection,
 * nothing static), serves until SIGTERM or SIGINT, drains, and exits 0. The options are the README's.
 */
public final class HealthMain {

    private HealthMain() {
    }

    public static void main(String[] args) throws Exception {
        throw new UnsupportedOperationException("TODO HealthMain.main: see the README, Task 5");
    }
}
