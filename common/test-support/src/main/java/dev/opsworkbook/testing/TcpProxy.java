package dev.opsworkbook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A loopback TCP proxy in front of a server (say a {@link TestRedis}) that a test can make slow or stall, to see
 * round trips and timeouts from the client's side:
 * <ul>
 *   <li>{@link #replyLatency(Duration)}: every chunk the server sends reaches the client that much later (chunks keep
 *       their order and are delayed independently, so a pipeline still costs one latency): a client that makes N
 *       round trips needs at least N × latency;</li>
 *   <li>{@link #freeze()} / {@link #unfreeze()}: bytes stop moving either way, connections stay open (a stalled
 *       server or network: clients see timeouts, not refusals).</li>
 * </ul>
 * Its threads are virtual; {@link #close()} closes every connection and the listening socket.
 */
public final class TcpProxy implements AutoCloseable {

    @SuppressWarnings("ArrayRecordComponent") // bytes in transit, never compared
    private record Chunk(byte[] bytes, long due) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile long latencyNanos;
    private volatile boolean frozen;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.add(Thread.ofVirtual().name("tcp-proxy-accept").start(this::acceptLoop));
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on, delays every server-to-client chunk by {@code latency} ({@link Duration#ZERO}: none). */
    public void replyLatency(Duration latency) {
        latencyNanos = latency.toNanos();
    }

    /** Holds every byte in both directions until {@link #unfreeze()}. */
    public void freeze() {
        frozen = true;
    }

    public void unfreeze() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    /** The client connections open through the proxy now. */
    public int connections() {
        return (int) sockets.stream().filter(s -> !s.isClosed()).count() / 2;
    }

    @Override
    public void close() {
        closed = true;
        unfreeze();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(TcpProxy::closeQuietly);
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Socket server = new Socket();
            sockets.add(client);
            sockets.add(server);
            try {
                server.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            BlockingQueue<Chunk> replies = new LinkedBlockingQueue<>();
            threads.add(Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(client, server, null)));
            threads.add(Thread.ofVirtual().name("tcp-proxy-down").start(() -> pump(server, client, replies)));
            threads.add(Thread.ofVirtual().name("tcp-proxy-delay").start(() -> deliver(replies, client, server)));
            threads.removeIf(t -> !t.isAlive());
        }
    }

    /** Copies {@code from} to {@code to}, or into {@code delayed} stamped with its due time. */
    private void pump(Socket from, Socket to, @Nullable BlockingQueue<Chunk> delayed) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                awaitThaw();
                if (delayed != null) {
                    delayed.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + latencyNanos));
                } else {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // a side closed, or the proxy is closing
        } finally {
            if (delayed != null) {
                delayed.add(END);
            } else {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    private void deliver(BlockingQueue<Chunk> replies, Socket client, Socket server) {
        try {
            OutputStream out = client.getOutputStream();
            for (Chunk c = replies.take(); c != END; c = replies.take()) {
                for (long wait = c.due() - System.nanoTime(); wait > 0; wait = c.due() - System.nanoTime()) {
                    LockSupport.parkNanos(wait); // the latency this proxy exists to add
                    if (Thread.interrupted()) {
                        return;
                    }
                }
                awaitThaw();
                out.write(c.bytes());
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed, or the proxy is closing
        } finally {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void awaitThaw() throws InterruptedException {
        synchronized (gate) {
            while (frozen && !closed) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
