package dev.opsworkbook.notes.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.opsworkbook.testing.LeakCheck;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
@DisplayName("Q26: JDBC from virtual threads through a HikariCP pool")
class PooledJdbcTest {

    static final int THREADS = 1_000;
    static final int POOL = 10;

    @Test
    @DisplayName("1,000 virtual threads share 10 connections: at most 10 in use, the other 990 wait, all succeed")
    void aThousandVirtualThreadsOnTenConnections() throws Exception {
        try (HikariDataSource pool = PooledJdbc.pool(PooledJdbc.jdbcUrl("q26a"), POOL, Duration.ofSeconds(30))) {
            PooledJdbc.createSchema(pool);
            HikariPoolMXBean stats = pool.getHikariPoolMXBean();
            CountDownLatch gate = new CountDownLatch(1);
            AtomicInteger inUse = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            List<Future<Long>> results = new ArrayList<>();
            try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < THREADS; i++) {
                    results.add(requests.submit(() -> {
                        try (Connection held = pool.getConnection()) { // what countOrders borrows, held longer
                            peak.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                            assertThat(gate.await(30, TimeUnit.SECONDS)).isTrue();
                            inUse.decrementAndGet();
                        }
                        return PooledJdbc.countOrders(pool, "ada");
                    }));
                }
                // Hold the gate until the pool is exhausted and every other thread queues for a connection.
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> stats.getActiveConnections() == POOL
                                && stats.getThreadsAwaitingConnection() == THREADS - POOL);
                gate.countDown();
                for (Future<Long> f : results) {
                    assertThat(f.get()).isEqualTo(2);
                }
            }
            assertThat(peak.get()).as("connections in use at the same moment").isEqualTo(POOL);
            assertThat(stats.getTotalConnections()).as("connections the pool opened").isEqualTo(POOL);
        }
    }

    @Test
    @DisplayName("when every connection stays busy, getConnection() gives up after connectionTimeout, not never")
    void connectionTimeoutBoundsTheWait() throws Exception {
        Duration timeout = Duration.ofMillis(250); // HikariCP's minimum is 250 ms
        try (HikariDataSource pool = PooledJdbc.pool(PooledJdbc.jdbcUrl("q26b"), 1, timeout);
             Connection busy = pool.getConnection()) {
            assertThat(busy.isValid(1)).isTrue();
            long t0 = System.nanoTime();
            assertThatThrownBy(pool::getConnection)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("Connection is not available, request timed out after");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(timeout);
        }
    }

    @Test
    @DisplayName("the sizing rules: HikariCP's cores x 2 + spindles, and Little's law for what a load needs")
    void sizingRules() {
        assertThat(PooledJdbc.hikariStartingSize(4, 1)).isEqualTo(9);
        assertThat(PooledJdbc.hikariStartingSize(8, 0)).isEqualTo(16);
        assertThat(PooledJdbc.connectionsInUse(500, Duration.ofMillis(20))).isEqualTo(10);
        assertThat(PooledJdbc.connectionsInUse(2_000, Duration.ofMillis(5))).isEqualTo(10);
    }
}
