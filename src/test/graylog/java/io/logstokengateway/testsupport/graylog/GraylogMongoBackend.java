package io.logstokengateway.testsupport.graylog;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.BadValueException;
import de.bwaldvogel.mongo.exception.MongoServerException;
import io.netty.channel.Channel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * mongo-java-server's in-memory MongoDB, with what Graylog 6.1 needs from a MongoDB that it lacks. Each addition
 * answers what a MongoDB 7.0 would answer to what Graylog sends; where that answer is only known in a case (an empty
 * result), it is given in that case only and the request fails otherwise, as it did before:
 * <ul>
 *   <li>{@code buildinfo} and {@code hostInfo}: version 7.0 (Graylog wants 5.0 or later) and the fields Graylog
 *       reads at startup;</li>
 *   <li>{@code create} of a capped collection: a plain collection (capping only bounds Graylog's own logs);</li>
 *   <li>an {@code update} whose {@code arrayFilters} the backend cannot parse (a startup migration uses {@code $or}):
 *       {@code n: 0} when its query matches no document, which is the case on a fresh install;</li>
 *   <li>{@code aggregate}: the {@code $set} stage (an alias of {@code $addFields}), the node heartbeat query
 *       ({@link HeartbeatQuery}), and a correlated {@code $lookup} into an empty collection (its result is then an
 *       empty array whatever the correlation).</li>
 * </ul>
 */
final class GraylogMongoBackend extends MemoryBackend {

    /** The version reported. The wire version stays that of MongoDB 4.0, whose protocol the backend speaks. */
    private static final MongoVersion VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(7, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 7;
        }
    };

    GraylogMongoBackend() {
        version(VERSION);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        switch (command) {
            case "buildinfo", "buildInfo":
                return buildInfo();
            case "hostInfo":
                return hostInfo();
            case "create":
                return super.handleCommand(channel, database, command, withoutCapping(query));
            case "update":
                return update(channel, database, query);
            case "aggregate":
                return aggregate(channel, database, query);
            default:
                return super.handleCommand(channel, database, command, query);
        }
    }

    // ---------------------------------------------------------------- server information

    private static Document buildInfo() {
        Document info = new Document("version", "7.0.0")
                .append("gitVersion", "0000000000000000000000000000000000000000")
                .append("versionArray", List.of(7, 0, 0, 0))
                .append("bits", 64)
                .append("debug", false)
                .append("maxBsonObjectSize", 16 * 1024 * 1024)
                .append("javascriptEngine", "mozjs")
                .append("allocator", "tcmalloc")
                .append("sysInfo", "deprecated")
                .append("loaderFlags", "")
                .append("compilerFlags", "");
        Utils.markOkay(info);
        return info;
    }

    private static Document hostInfo() {
        Runtime runtime = Runtime.getRuntime();
        String os = System.getProperty("os.name");
        Document info = new Document("system", new Document("currentTime", Instant.now())
                .append("hostname", Utils.getHostName())
                .append("cpuAddrSize", 64)
                .append("memSizeMB", runtime.maxMemory() / (1024 * 1024))
                .append("numCores", runtime.availableProcessors())
                .append("cpuArch", System.getProperty("os.arch"))
                .append("numaEnabled", false))
                .append("os", new Document("type", os).append("name", os).append("version", System.getProperty("os.version")))
                .append("extra", new Document("versionString", os + " " + System.getProperty("os.version"))
                        .append("libcVersion", "")
                        .append("kernelVersion", System.getProperty("os.version"))
                        .append("cpuFrequencyMHz", "")
                        .append("cpuFeatures", "")
                        .append("scheduler", "")
                        .append("pageSize", 4096L)
                        .append("numPages", runtime.maxMemory() / 4096)
                        .append("maxOpenFiles", 1024));
        Utils.markOkay(info);
        return info;
    }

    // ---------------------------------------------------------------- writes

    private static Document withoutCapping(Document create) {
        Document plain = new Document(create);
        plain.remove("capped");
        plain.remove("size");
        plain.remove("max");
        return plain;
    }

    private Document update(Channel channel, String database, Document query) {
        try {
            return super.handleCommand(channel, database, "update", query);
        } catch (BadValueException unparsableArrayFilters) {
            for (Object statement : (List<?>) query.get("updates")) {
                if (count(database, (String) query.get("update"), filterOf(statement)) > 0) {
                    throw unparsableArrayFilters;
                }
            }
            Document nothingMatched = new Document("n", 0).append("nModified", 0);
            Utils.markOkay(nothingMatched);
            return nothingMatched;
        }
    }

    private static Document filterOf(Object updateStatement) {
        Object filter = ((Document) updateStatement).get("q");
        return filter == null ? new Document() : (Document) filter;
    }

    // ---------------------------------------------------------------- aggregations

    private Document aggregate(Channel channel, String database, Document query) {
        String collectionName = (String) query.get("aggregate");
        List<Object> pipeline = new ArrayList<>();
        for (Object stage : (List<?>) query.get("pipeline")) {
            pipeline.add(rewrite(database, (Document) stage));
        }
        Document rewritten = new Document(query);
        rewritten.put("pipeline", pipeline);
        HeartbeatQuery heartbeat = HeartbeatQuery.recognise(pipeline);
        if (heartbeat != null) {
            MongoCollection<?> nodes = resolveDatabase(database).resolveCollection(collectionName, false);
            rewritten.put("pipeline", heartbeat.restrictedTo(nodes == null ? List.of() : heartbeat.matchingIds(nodes)));
        }
        return super.handleCommand(channel, database, "aggregate", rewritten);
    }

    private Document rewrite(String database, Document stage) {
        if (stage.containsKey("$set")) {
            return new Document("$addFields", stage.get("$set"));
        }
        Object lookup = stage.get("$lookup");
        if (lookup instanceof Document correlated && correlated.containsKey("pipeline")) {
            String from = (String) correlated.get("from");
            if (count(database, from, new Document()) > 0) {
                throw new MongoServerException("correlated $lookup into the non-empty collection " + from + " is not supported");
            }
            return new Document("$addFields", new Document((String) correlated.get("as"), List.of()));
        }
        return stage;
    }

    private int count(String database, String collectionName, Document filter) {
        MongoCollection<?> collection = resolveDatabase(database).resolveCollection(collectionName, false);
        return collection == null ? 0 : collection.count(filter, 0, 0);
    }
}
