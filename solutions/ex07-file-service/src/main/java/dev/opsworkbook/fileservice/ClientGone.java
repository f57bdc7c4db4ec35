package dev.opsworkbook.fileservice;

import java.io.IOException;

/** The client went away mid-request (a reset, a closed connection): nobody is left to answer, nothing to warn about. */
final class ClientGone extends IOException {
    private static final long serialVersionUID = 1L;

    ClientGone(IOException cause) {
        super("the client went away: " + cause.getMessage(), cause);
    }
}
