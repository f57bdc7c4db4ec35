package dev.opsworkbook.notes.servers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Q26: JDBC from virtual threads through HikariCP. The database is an embedded H2 by default, or the one
 * {@code NOTES_JDBC_URL} (or {@code -Dnotes.jdbc.url}) names, e.g. {@code jdbc:postgresql://localhost/postgres}
 * with {@code NOTES_JDBC_USER}/{@code NOTES_JDBC_PASSWORD} and the {@code postgres} Maven profile.
 */
public final class PooledJdbc {

    private PooledJdbc() {
    }

    /** The JDBC URL the demos use: the configured one, or a private in-memory H2 database. */
    static String jdbcUrl(String h2Name) {
        return Optional.ofNullable(System.getProperty("notes.jdbc.url"))
                .or(() -> Optional.ofNullable(System.getenv("NOTES_JDBC_URL")))
                .orElse("jdbc:h2:mem:" + h2Name + ";DB_CLOSE_DELAY=-1");
    }

    // @start region=pool
    /** A small pool: {@code size} connections shared by any number of threads, virtual ones included. */
    static HikariDataSource pool(String jdbcUrl, int size, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(System.getenv().getOrDefault("NOTES_JDBC_USER", "sa"));
        config.setPassword(System.getenv().getOrDefault("NOTES_JDBC_PASSWORD", ""));
        config.setMaximumPoolSize(size);                    // the concurrency limit for the database
        config.setMinimumIdle(size);                        // fixed size, as HikariCP recommends
        config.setConnectionTimeout(connectionTimeout.toMillis()); // how long getConnection() waits, then throws
        config.setMaxLifetime(Duration.ofMinutes(30).toMillis()); // below the database's or proxy's idle cut-off
        config.setPoolName("notes-pool");
        return new HikariDataSource(config);
    }

    /** One request's database work: borrow, query, give back (close() returns the connection to the pool). */
    static long countOrders(HikariDataSource pool, String customer) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM orders WHERE customer = ?")) {
            q.setString(1, customer);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
    // @end region=pool

    // @start region=sizing
    /** HikariCP's starting point for a pool's size: connections = cores * 2 + effective spindles. */
    static int hikariStartingSize(int databaseCores, int effectiveSpindles) {
        return databaseCores * 2 + effectiveSpindles;
    }

    /** Little's law: connections busy on average = queries per second * seconds each one holds a connection. */
    static int connectionsInUse(double queriesPerSecond, Duration holdTime) {
        return (int) Math.ceil(queriesPerSecond * holdTime.toNanos() / 1e9);
    }
    // @end region=sizing

    /** Creates and fills the demo table. */
    static void createSchema(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(20) NOT NULL)");
            s.execute("INSERT INTO orders VALUES (1, 'ada'), (2, 'ada'), (3, 'linus')");
        }
    }
}
