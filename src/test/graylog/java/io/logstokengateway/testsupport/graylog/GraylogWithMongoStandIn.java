package io.logstokengateway.testsupport.graylog;

import de.bwaldvogel.mongo.MongoServer;
import org.graylog2.bootstrap.Main;

import java.util.Arrays;

/**
 * Graylog with its MongoDB stand-in in one process: {@code <mongo port> <Graylog's arguments...>}. The stand-in
 * listens on 127.0.0.1 before Graylog starts; on SIGTERM Graylog's shutdown hook stops Graylog while the stand-in
 * still answers (the stand-in registers no hook of its own), then the JVM ends both.
 */
public final class GraylogWithMongoStandIn {

    private GraylogWithMongoStandIn() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: GraylogWithMongoStandIn <mongo port> <Graylog arguments...>");
            System.exit(64);
        }
        MongoServer mongo = new MongoServer(new GraylogMongoBackend());
        mongo.bind("127.0.0.1", Integer.parseInt(args[0]));
        int status = 1;
        try {
            Main.main(Arrays.copyOfRange(args, 1, args.length)); // returns only once Graylog has stopped
            status = 0;
        } finally {
            // The stand-in's threads would otherwise keep a Graylog that failed to start alive.
            System.exit(status);
        }
    }
}
