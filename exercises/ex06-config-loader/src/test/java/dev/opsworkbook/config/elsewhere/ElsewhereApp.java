package dev.opsworkbook.config.elsewhere;

import java.util.List;

/** An application's own configuration record: package-private and in its own package, as most are. */
record ElsewhereApp(String name, Inner inner, List<Item> items) {

    record Inner(int port) {
    }

    record Item(String id) {
    }

    static ElsewhereApp defaults() {
        return new ElsewhereApp("service", new Inner(8080), List.of());
    }
}
