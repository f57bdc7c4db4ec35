package dev.opsworkbook.safeexec;

import java.io.IOException;

/** The program named by {@code argv[0]} does not exist or cannot be executed. */
public class CommandNotFoundException extends IOException {
    private final String command;

    public CommandNotFoundException(String command, String message, Throwable cause) {
        super(message, cause);
        this.command = command;
    }

    /** The {@code argv[0]} that could not be run. */
    public String command() {
        return command;
    }
}
