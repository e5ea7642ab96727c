package io.pg2ts.bench;

import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.resolver.ParsedSchemaImpl;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.resolver.strategy.ArtifactReferenceResolverStrategy;
import io.apicurio.registry.rest.client.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * An Apicurio {@link SchemaResolver} that is its own schema registry, in memory: it gives each
 * distinct schema text an id from one static, thread-safe table shared by everything in the JVM,
 * and never makes an HTTP call.
 *
 * <p>Why: the benchmark runs Kafka Connect paths with Avro in Confluent's wire format (magic byte 0,
 * 4-byte schema id, Avro binary) but no schema registry is reachable, and Confluent's own
 * AvroConverter is not on Maven Central. Apicurio's {@code AvroConverter} writes that wire format
 * ({@code apicurio.registry.as-confluent=true}) and lets the schema lookup be replaced by a class
 * named in {@code apicurio.registry.schema-resolver}; this is that class. Because the table is
 * static, a source connector's converter and a sink connector's converter in the same Connect
 * worker JVM agree on the ids, as they would through a real registry. Ids mean nothing outside
 * this JVM: records written by one worker cannot be read by another process, and reading an id
 * this JVM never assigned fails with a {@link SerializationException}.
 *
 * <p>Like Confluent's registry, an id names a schema's content, not a subject: the same schema
 * gets the same id on every topic, for keys and values alike. The content is the Avro schema's
 * full JSON, props included, so Connect's schema parameters (carried by Apicurio's AvroData in
 * {@code connect.parameters}) make schemas distinct. The id is written as both global id and
 * content id, so it works with either {@code apicurio.registry.use-id}.
 *
 * <p>Costs: each instance remembers, by identity, the Avro schema objects it has already resolved
 * (Apicurio's AvroData hands out the same object for the same Connect schema), so the schema's
 * JSON is built once per schema rather than once per record; and it remembers the parsed schema
 * for each id it has read. Instances are safe for concurrent use, though Connect gives each task
 * its own converter.
 *
 * @param <S> the schema type, {@code org.apache.avro.Schema} for Avro
 * @param <T> the data type
 */
public final class InMemorySchemaResolver<S, T> implements SchemaResolver<S, T> {

    /** Schema content (UTF-8 JSON) by id; the JVM-wide registry. */
    private static final Map<Integer, byte[]> CONTENT_BY_ID = new ConcurrentHashMap<>();
    /** Id by schema content; an id is published in CONTENT_BY_ID before it is returned. */
    private static final Map<String, Integer> ID_BY_CONTENT = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT_ID = new AtomicInteger(1);

    /** How many schema objects an instance remembers by identity before it starts afresh. */
    private static final int IDENTITY_CACHE_LIMIT = 10_000;

    private final Map<Object, SchemaLookupResult<S>> bySchemaObject = new IdentityHashMap<>();
    private final Map<Long, SchemaLookupResult<S>> byId = new ConcurrentHashMap<>();
    private volatile SchemaParser<S, T> schemaParser;

    /** The public no-argument constructor Apicurio instantiates it with. */
    public InMemorySchemaResolver() {
    }

    /**
     * The id the JVM-wide table has for a schema's content, assigning the next one if it has none.
     *
     * @param content the schema's text, as the serializer's schema parser renders it
     * @return the id, from 1 up
     */
    public static int idFor(String content) {
        return ID_BY_CONTENT.computeIfAbsent(content, text -> {
            int id = NEXT_ID.getAndIncrement();
            CONTENT_BY_ID.put(id, text.getBytes(StandardCharsets.UTF_8));
            return id;
        });
    }

    /** @return how many schemas the JVM-wide table holds */
    public static int size() {
        return CONTENT_BY_ID.size();
    }

    /** Keeps the schema parser; ignores everything else, the registry URL included. */
    @Override
    public void configure(Map<String, ?> configs, SchemaParser<S, T> schemaParser) {
        this.schemaParser = Objects.requireNonNull(schemaParser, "schemaParser");
    }

    /** Ignored: there is no registry to talk to. */
    @Override
    public void setClient(RegistryClient client) {
    }

    /** Ignored: ids name content, not topics or artifacts. */
    @Override
    public void setArtifactResolverStrategy(ArtifactReferenceResolverStrategy<S, T> artifactResolverStrategy) {
    }

    @Override
    public SchemaParser<S, T> getSchemaParser() {
        return schemaParser;
    }

    /** The serializer's side: the id of the record's schema, registered in this JVM on first sight. */
    @Override
    public SchemaLookupResult<S> resolveSchema(Record<T> data) {
        Objects.requireNonNull(data, "data");
        T payload = Objects.requireNonNull(data.payload(), "payload");
        Object schemaObject = payload instanceof GenericContainer ? ((GenericContainer) payload).getSchema() : null;
        if (schemaObject != null) {
            SchemaLookupResult<S> known;
            synchronized (bySchemaObject) {
                known = bySchemaObject.get(schemaObject);
            }
            if (known != null) {
                return known;
            }
        }
        // Dereferenced: the whole schema in one document, nested records inline, as a reader needs it.
        ParsedSchema<S> parsed = parser().getSchemaFromData(data, true);
        long id = idFor(new String(parsed.getRawSchema(), StandardCharsets.UTF_8));
        SchemaLookupResult<S> result = lookupResult(id, parsed);
        byId.putIfAbsent(id, result);
        if (schemaObject != null) {
            synchronized (bySchemaObject) {
                if (bySchemaObject.size() >= IDENTITY_CACHE_LIMIT) {
                    bySchemaObject.clear();
                }
                bySchemaObject.put(schemaObject, result);
            }
        }
        return result;
    }

    /** The deserializer's side: the schema for the id a record carries. */
    @Override
    public SchemaLookupResult<S> resolveSchemaByArtifactReference(ArtifactReference reference) {
        if (reference == null) {
            throw new IllegalStateException("artifact reference cannot be null");
        }
        Long id = reference.getContentId() != null ? reference.getContentId() : reference.getGlobalId();
        if (id == null) {
            throw new SerializationException("record carries no schema id: " + reference);
        }
        return byId.computeIfAbsent(id, key -> {
            byte[] content = key > Integer.MAX_VALUE || key < 0 ? null : CONTENT_BY_ID.get(key.intValue());
            if (content == null) {
                throw new SerializationException("unknown schema id " + key
                        + ": the in-memory schema registry knows only the " + size()
                        + " schemas written in this JVM");
            }
            S schema = parser().parseSchema(content, Collections.emptyMap());
            return lookupResult(key, new ParsedSchemaImpl<S>().setParsedSchema(schema).setRawSchema(content));
        });
    }

    /** Forgets this instance's caches; the JVM-wide ids stay. */
    @Override
    public void reset() {
        synchronized (bySchemaObject) {
            bySchemaObject.clear();
        }
        byId.clear();
    }

    @Override
    public void close() {
        reset();
    }

    private SchemaParser<S, T> parser() {
        SchemaParser<S, T> parser = schemaParser;
        if (parser == null) {
            throw new IllegalStateException("InMemorySchemaResolver used before configure");
        }
        return parser;
    }

    private static <S> SchemaLookupResult<S> lookupResult(long id, ParsedSchema<S> parsed) {
        return SchemaLookupResult.<S>builder()
                .globalId(id)
                .contentId(id)
                .parsedSchema(parsed)
                .build();
    }
}
