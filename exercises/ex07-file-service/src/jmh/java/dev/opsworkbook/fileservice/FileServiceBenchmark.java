package dev.opsworkbook.fileservice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * 256 MiB through the service on loopback, next to the floor: the same bytes over a bare socket. Methods are
 * named {@code <scenario>_<impl>}; impls starting with {@code baseline} are what the report divides by.
 *
 * <ul>
 *   <li>{@code download}: a new link ({@code POST /links}) and a {@code GET} of a 256 MiB file, read and discarded
 *       by a raw client. The floor sends the file with {@code FileChannel.transferTo} (sendfile) to a socket.</li>
 *   <li>{@code upload}: a {@code PUT} of 256 MiB. The floor receives the bytes over a socket into a file with a
 *       {@code FileChannel} and fsyncs it; the service also hashes them and renames the file.</li>
 * </ul>
 *
 * <p>The root is in {@code /dev/shm} when there is one, so that the figures compare the code, not the disk. The
 * access log is built but written nowhere.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FileServiceBenchmark {
    private static final long SIZE = 256L << 20;
    private static final String SECRET = "bench-secret-0123456789";
    private static final byte[] BLOCK = new byte[1 << 20];

    private Path root;
    private FileService service;
    private ServerSocketChannel sendfileServer;
    private ServerSocketChannel receiveServer;
    private Thread sendfileThread;
    private Thread receiveThread;

    @Setup
    public void setUp() throws IOException {
        silenceLogging();
        new Random(1).nextBytes(BLOCK);
        Path shm = Path.of("/dev/shm");
        root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "ex07-bench-");
        try (FileChannel out = FileChannel.open(root.resolve("download.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (long written = 0; written < SIZE; written += BLOCK.length) {
                out.write(ByteBuffer.wrap(BLOCK));
            }
        }
        service = FileService.start(Settings.of(root, SECRET).withMaxUploadBytes(SIZE));
        sendfileServer = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiveServer = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sendfileThread = Thread.ofPlatform().daemon().name("floor-sendfile").start(this::serveSendfile);
        receiveThread = Thread.ofPlatform().daemon().name("floor-receive").start(this::serveReceive);
    }

    @TearDown
    public void tearDown() throws IOException, InterruptedException {
        service.close();
        sendfileServer.close();
        receiveServer.close();
        sendfileThread.join();
        receiveThread.join();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public long download_fileService() throws IOException {
        String json = "{\"path\":\"download.bin\",\"ttl\":\"PT10M\"}";
        String url;
        try (Socket s = connect(service.port())) {
            write(s, "POST /links HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET + "\r\nContent-Length: "
                    + json.length() + "\r\nConnection: close\r\n\r\n" + json);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int at = answer.indexOf("/d/");
            url = answer.substring(at, answer.indexOf('"', at));
        }
        try (Socket s = connect(service.port())) {
            write(s, "GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            return expect(drain(s.getInputStream()) > SIZE, "a complete download");
        }
    }

    @Benchmark
    public long download_baselineSocketSendfile() throws IOException {
        try (Socket s = connect(sendfileServer.socket().getLocalPort())) {
            return expect(drain(s.getInputStream()) == SIZE, "the whole file");
        }
    }

    @Benchmark
    public long upload_fileService() throws IOException {
        try (Socket s = connect(service.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /files/upload.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                    + "\r\nContent-Length: " + SIZE + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (long sent = 0; sent < SIZE; sent += BLOCK.length) {
                out.write(BLOCK);
            }
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return expect(answer.startsWith("HTTP/1.1 20"), "a 200 or 201, got " + answer.lines().findFirst().orElse(""));
        }
    }

    @Benchmark
    public long upload_baselineSocketToFile() throws IOException {
        try (Socket s = connect(receiveServer.socket().getLocalPort())) {
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < SIZE; sent += BLOCK.length) {
                out.write(BLOCK);
            }
            s.shutdownOutput();
            return expect(s.getInputStream().read() == 'k', "the floor's acknowledgement");
        }
    }

    /** The download floor: each connection gets the file, sent with sendfile(2). */
    private void serveSendfile() {
        while (sendfileServer.isOpen()) {
            try (SocketChannel client = sendfileServer.accept();
                 FileChannel file = FileChannel.open(root.resolve("download.bin"))) {
                for (long sent = 0; sent < SIZE; ) {
                    sent += file.transferTo(sent, SIZE - sent, client);
                }
            } catch (IOException e) {
                // closed at tear-down
            }
        }
    }

    /** The upload floor: each connection's bytes go into a file, fsynced, then a one-byte acknowledgement. */
    private void serveReceive() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        while (receiveServer.isOpen()) {
            try (SocketChannel client = receiveServer.accept();
                 FileChannel file = FileChannel.open(root.resolve("floor.bin"), StandardOpenOption.CREATE,
                         StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (client.read(buffer.clear()) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        file.write(buffer);
                    }
                }
                file.force(true);
                client.write(ByteBuffer.wrap(new byte[] {'k'}));
            } catch (IOException e) {
                // closed at tear-down
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    private static long expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("expected " + what);
        }
        return 1;
    }

    /** Keeps the log events, drops their output (the default Logback setup prints every DEBUG line). */
    private static void silenceLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            ch.qos.logback.classic.Logger rootLogger = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            rootLogger.detachAndStopAllAppenders();
            rootLogger.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
