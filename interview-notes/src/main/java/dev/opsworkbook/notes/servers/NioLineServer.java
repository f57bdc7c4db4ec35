package dev.opsworkbook.notes.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Q23 and Q25: a line server on one thread. One {@link Selector} watches every socket; the loop thread
 * accepts, reads, runs the handler and writes, never blocking, so it serves thousands of connections.
 */
public final class NioLineServer implements AutoCloseable {

    private static final int MAX_LINE = 8 * 1024;

    private final Selector selector;
    private final ServerSocketChannel server;
    private final UnaryOperator<String> handler;
    private final Thread loop;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private volatile boolean running = true;

    /** Per-connection state, attached to its key: the partial line read so far and the replies not yet sent. */
    private static final class Connection {
        final ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
        final Queue<ByteBuffer> out = new ArrayDeque<>();
    }

    /** Listens on a loopback port chosen by the OS; {@code handler} maps a request line to its reply line. */
    public NioLineServer(int backlog, UnaryOperator<String> handler) throws IOException {
        this.handler = handler;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.loop = Thread.ofPlatform().name("nio-loop").start(this::run);
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    /** Connections open right now, and the most that were open at once. */
    public int openConnections() {
        return open.get();
    }

    public int peakConnections() {
        return peak.get();
    }

    // @start region=select-loop
    private void run() {
        while (running) {
            try {
                selector.select();                          // sleep until a channel is ready (epoll_wait on Linux)
            } catch (IOException e) {
                return;                                     // the selector itself broke: nothing left to serve
            }
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();                             // or it is reported again on the next pass
                try {
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key);
                    } else if (key.isWritable()) {
                        write(key);
                    }
                } catch (IOException e) {
                    if (key.channel() != server) {
                        closeConnection(key);               // one broken connection, not the whole server
                    }                                       // a failed accept (out of descriptors?) is retried
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {       // non-blocking: null when nobody else waits
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new Connection());
            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        }
    }
    // @end region=select-loop

    // @start region=read-write
    private void read(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        if (((SocketChannel) key.channel()).read(c.in) < 0) {
            closeConnection(key);                           // end of stream: the client closed
            return;
        }
        c.in.flip();                                        // fill mode -> drain mode
        for (int i = c.in.position(); i < c.in.limit(); i++) {
            if (c.in.get(i) == '\n') {
                byte[] line = new byte[i - c.in.position()];
                c.in.get(line).get();                       // the line, then its '\n'
                // The handler runs on the loop thread: while it runs, no other connection is served.
                String reply = handler.apply(new String(line, StandardCharsets.UTF_8)) + "\n";
                c.out.add(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
            }
        }
        c.in.compact();                                     // keep a partial line; back to fill mode
        if (!c.in.hasRemaining()) {
            closeConnection(key);                           // a line longer than MAX_LINE: refuse it
            return;
        }
        write(key);
    }

    private void write(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        for (ByteBuffer head; (head = c.out.peek()) != null; c.out.remove()) {
            ((SocketChannel) key.channel()).write(head);
            if (head.hasRemaining()) {
                // The socket's send buffer is full. Wait for OP_WRITE, and stop reading from this client
                // until it takes its replies: backpressure instead of an ever-growing queue.
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
        }
        key.interestOps(SelectionKey.OP_READ);
    }
    // @end region=read-write

    private void closeConnection(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // closing a broken socket: nothing more to do
        }
        open.decrementAndGet();
    }

    /** Stops the loop, then closes every connection and the listening socket. */
    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        loop.join();
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
        server.close();
    }
}
