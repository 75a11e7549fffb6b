package org.alliancegraph.devserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Development/CI Neo4j 5.26 Community server: the embedded DBMS with its Bolt
 * connector enabled ("Accessing Neo4j embedded via the Bolt protocol" in the
 * Java reference). Not for production.
 *
 * <p>Usage: {@code AllianceGraphNeo4j DATA_DIR BOLT_HOST BOLT_PORT PASSWORD [--password-set]}
 * ({@code --password-set}: DATA_DIR is one this server ran on before with PASSWORD, so the
 * password is not set again: on a just-started JVM that one statement took ~13 s, a third
 * of a restart after an initial load, scripts/neo4j.sh import).
 *
 * <p>Prints {@code READY bolt://HOST:PORT} once Bolt is accepting
 * authenticated connections; stops cleanly on SIGTERM/SIGINT. Exit codes:
 * 2 usage, 3 port in use, 4 start failed, 5 setting the password failed.
 */
public final class AllianceGraphNeo4j {

    public static void main(String[] args) {
        boolean passwordSet = args.length == 5 && args[4].equals("--password-set");
        if (args.length != 4 && !passwordSet) {
            fail(2, "usage: AllianceGraphNeo4j DATA_DIR BOLT_HOST BOLT_PORT PASSWORD [--password-set]",
                    null);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String host = args[1];
        int port = parsePort(args[2]);
        String password = args[3];

        // Fail fast with a clear message instead of a deep Netty bind stack trace.
        checkPortFree(host, port);

        SocketAddress bolt = new SocketAddress(host, port);
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, bolt)
                    // The routing table the server hands to neo4j:// drivers lists
                    // this address; by default its host would be "localhost".
                    .setConfig(BoltConnector.advertised_address, bolt)
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(host))
                    .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(host))
                    // Server-side routing is a cluster feature (its own connector,
                    // :7688). Not needed: neo4j:// drivers fetch their routing table
                    // over the Bolt port above and get back `bolt` for all roles.
                    .setConfig(GraphDatabaseSettings.routing_enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(512))
                    .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                    // Internal setting: Netty's graceful-shutdown quiet period
                    // (5 s, paid twice) otherwise makes every stop take ~10 s.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (Throwable t) {
            fail(4, "Neo4j failed to start (see " + home.resolve("logs/debug.log") + ")", t);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("STOPPING");
            dbms.shutdown();
            System.out.println("STOPPED");
            stopped.countDown();
        }, "neo4j-shutdown"));

        // On first start the system database creates user neo4j/neo4j with
        // "change required". Embedded transactions run with full privileges, so
        // we can set the password directly (public API, no auth file tricks).
        try {
            if (!passwordSet) {
                dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            }
        } catch (RuntimeException e) {
            // Reused data dir that already has this password: Neo4j refuses to
            // "change" a password to itself; that is exactly the state we want.
            if (!String.valueOf(rootCause(e).getMessage()).contains("cannot be the same")) {
                System.err.println("ERROR: could not set the password of user neo4j: " + rootCause(e));
                System.exit(5); // runs the shutdown hook, so the store is closed cleanly
            }
        }

        System.out.println("READY bolt://" + host + ":" + port);
        System.out.flush();
        try {
            stopped.await(); // the shutdown hook releases this; JVM exits after hooks
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        fail(2, "invalid port: " + s, null);
        return -1;
    }

    private static void checkPortFree(String host, int port) {
        // Reuse must be set before binding, or a just-stopped server's TIME_WAIT sockets
        // make a restart on the same port fail.
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
        } catch (IOException e) {
            fail(3, "cannot bind " + host + ":" + port + " (port in use?): " + e.getMessage(), null);
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static void fail(int code, String message, Throwable t) {
        System.err.println("ERROR: " + message);
        if (t != null) {
            System.err.println("ERROR: cause: " + rootCause(t));
            t.printStackTrace();
        }
        System.err.flush();
        // halt, not exit: a half-started DBMS may hold non-daemon threads.
        Runtime.getRuntime().halt(code);
    }
}
