package dev.opsworkbook.fileservice;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Runs a {@link FileService} in a child JVM with a small heap (see the memory test): {@code args} are the root,
 * the bearer token, the upload cap and, optionally, an X-Accel-Redirect prefix (the nginx peer script uses that). Prints
 * {@code PORT <n>} once it listens, then serves until killed.
 */
public final class FileServiceMain {

    private FileServiceMain() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings(Path.of(args[0]), 0, args[1], Long.parseLong(args[2]), Clock.systemUTC(),
                args.length > 3 ? args[3] : null);
        FileService service = FileService.start(settings);
        System.out.println("PORT " + service.port());
        Thread.currentThread().join(); // until the test kills this JVM
    }
}
