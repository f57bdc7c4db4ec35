package dev.opsworkbook.notes.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** Q25: the same line server written as plain blocking code, one virtual thread per connection. */
public final class VirtualThreadLineServer implements AutoCloseable {

    private final ServerSocket server;
    private final UnaryOperator<String> handler;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peak = new AtomicInteger();
    private final Thread acceptor;

    /** Listens on a loopback port chosen by the OS; {@code handler} maps a request line to its reply line. */
    public VirtualThreadLineServer(int backlog, UnaryOperator<String> handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("vt-acceptor").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int openConnections() {
        return open.size();
    }

    public int peakConnections() {
        return peak.get();
    }

    // @start region=per-connection
    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                peak.accumulateAndGet(open.size(), Math::max);
                connections.execute(() -> serve(socket));  // one virtual thread per connection
            } catch (IOException e) {
                // the server socket was closed: stop accepting
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
             Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) { // blocks: the thread parks, its carrier moves on
                out.write(handler.apply(line) + "\n");           // a slow handler delays only this connection
                out.flush();
            }
        } catch (IOException e) {
            // the client went away or the server is closing: nothing left to answer
        } finally {
            open.remove(socket);
        }
    }
    // @end region=per-connection

    /** Stops accepting, closes every connection and waits for their threads to end. */
    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        acceptor.join();
        for (Socket s : open) {
            s.close();
        }
        connections.close();
    }
}
