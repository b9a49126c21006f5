package io.logstokengateway.testsupport.graylog;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Graylog's query for live (or dead) cluster nodes, which the backend cannot run: it converts {@code last_seen} to a
 * date with {@code $isNumber}/{@code $toDate}, then compares it with {@code $$NOW} minus a timeout inside an
 * {@code $expr}:
 * <pre>
 *   {$addFields: {F: {$cond: {if: {$isNumber: "$last_seen"}, then: {$toDate: ...}, else: {$toDate: ...}}}}}
 *   {$match: {$expr: {$gte: ["$F", {$subtract: ["$$NOW", 2000]}]}}}   (or inside $and, beside plain conditions)
 *   {$unset: "F"} or {$project: ...}
 * </pre>
 * The time comparison is evaluated here on the source field; the rest of the pipeline runs in the backend on the
 * documents that passed it.
 */
final class HeartbeatQuery {

    private final String sourceField;
    private final String comparison;
    private final long timeoutMillis;
    private final List<Object> plainConditions;
    private final List<Object> laterStages;

    private HeartbeatQuery(String sourceField, String comparison, long timeoutMillis, List<Object> plainConditions,
                           List<Object> laterStages) {
        this.sourceField = sourceField;
        this.comparison = comparison;
        this.timeoutMillis = timeoutMillis;
        this.plainConditions = plainConditions;
        this.laterStages = laterStages;
    }

    /** The query if {@code pipeline} has that shape, else {@code null}. */
    static HeartbeatQuery recognise(List<Object> pipeline) {
        if (pipeline.size() < 2 || !(((Document) pipeline.get(0)).get("$addFields") instanceof Document added)
                || added.size() != 1 || !(((Document) pipeline.get(1)).get("$match") instanceof Document match)) {
            return null;
        }
        String computed = added.keySet().iterator().next();
        String source = isNumberArgument(added.get(computed));
        if (source == null) {
            return null;
        }
        List<Object> clauses = match.get("$and") instanceof List<?> all ? new ArrayList<>(all) : new ArrayList<>(List.of(match));
        Document expr = null;
        for (Object clause : clauses) {
            if (((Document) clause).get("$expr") instanceof Document e) {
                expr = e;
            }
        }
        if (expr == null || expr.size() != 1) {
            return null;
        }
        clauses.removeIf(clause -> ((Document) clause).containsKey("$expr"));
        String comparison = expr.keySet().iterator().next();
        List<?> operands = (List<?>) expr.get(comparison);
        if (!List.of("$gte", "$gt", "$lte", "$lt").contains(comparison) || !("$" + computed).equals(operands.get(0))
                || !(operands.get(1) instanceof Document bound) || !(bound.get("$subtract") instanceof List<?> subtract)
                || !"$$NOW".equals(subtract.get(0)) || !(subtract.get(1) instanceof Number timeout)) {
            return null;
        }
        List<Object> later = new ArrayList<>();
        for (Object stage : pipeline.subList(2, pipeline.size())) {
            if (!computed.equals(((Document) stage).get("$unset"))) {
                later.add(stage);
            }
        }
        return new HeartbeatQuery(source, comparison, timeout.longValue(), clauses, later);
    }

    /** {@code "last_seen"} from {@code {$cond: {if: {$isNumber: "$last_seen"}, ...}}}. */
    private static String isNumberArgument(Object expression) {
        if (expression instanceof Document cond && cond.get("$cond") instanceof Document branches
                && branches.get("if") instanceof Document test && test.get("$isNumber") instanceof String field
                && field.startsWith("$")) {
            return field.substring(1);
        }
        return null;
    }

    /** The ids of the documents meeting the plain conditions and the time comparison, now. */
    List<Object> matchingIds(MongoCollection<?> collection) {
        long bound = System.currentTimeMillis() - timeoutMillis;
        List<Object> ids = new ArrayList<>();
        for (Document document : collection.handleQuery(plainMatch())) {
            long seen = epochMillis(document.get(sourceField));
            boolean passes = switch (comparison) {
                case "$gte" -> seen >= bound;
                case "$gt" -> seen > bound;
                case "$lte" -> seen <= bound;
                default -> seen < bound;
            };
            if (passes) {
                ids.add(document.get("_id"));
            }
        }
        return ids;
    }

    /** The pipeline the backend runs instead: those documents, then the stages after the {@code $match}. */
    List<Object> restrictedTo(List<Object> ids) {
        List<Object> clauses = new ArrayList<>(plainConditions);
        clauses.add(new Document("_id", new Document("$in", ids)));
        List<Object> stages = new ArrayList<>();
        stages.add(new Document("$match", new Document("$and", clauses)));
        stages.addAll(laterStages);
        return stages;
    }

    private Document plainMatch() {
        return plainConditions.isEmpty() ? new Document() : new Document("$and", plainConditions);
    }

    /** As {@code $toDate} reads it: a number is milliseconds since the epoch; a timestamp counts seconds. */
    private static long epochMillis(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof BsonTimestamp timestamp) {
            return timestamp.getTime() * 1000L;
        }
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        if (value instanceof Date date) {
            return date.getTime();
        }
        return Long.MIN_VALUE; // missing or unreadable: never seen
    }
}
