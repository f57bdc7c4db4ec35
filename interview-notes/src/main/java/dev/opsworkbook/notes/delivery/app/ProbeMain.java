package dev.opsworkbook.notes.delivery.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.logging.Logger;

/** Q19: a tiny app whose runtime image we size with jdeps (java.base, java.logging, java.net.http). */
public final class ProbeMain {

    private static final Logger LOG = Logger.getLogger(ProbeMain.class.getName());

    private ProbeMain() {
    }

    public static void main(String... args) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            var response = client.send(HttpRequest.newBuilder(URI.create(args[0])).build(),
                    HttpResponse.BodyHandlers.discarding());
            LOG.info("status " + response.statusCode());
            System.exit(response.statusCode() < 400 ? 0 : 1);
        }
    }
}
