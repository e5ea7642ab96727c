package io.pg2ts.common.format;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * A Connect schema's JSON form, exactly as Kafka's {@link JsonConverter} writes it in its
 * envelope ({@code asJsonSchema}), and its 8-byte id: the first 8 bytes of the SHA-256 of that JSON.
 *
 * <p>Why the envelope and not {@code asJsonSchema}/{@code asConnectSchema} directly: those take and
 * return Jackson nodes, and the connector plugins pack their own Jackson while connect-json comes
 * from the worker. A call that names a Jackson type across that boundary fails with a LinkageError,
 * so this class only ever hands bytes to the converter. The schema rides as the item schema of an
 * optional array whose payload is null.
 */
final class SchemaJson {

    private static final String TOPIC = "pg2ts-schema";
    private static final String PREFIX = "{\"schema\":{\"type\":\"array\",\"items\":";
    private static final String SUFFIX = ",\"optional\":true},\"payload\":null}";

    private final JsonConverter json = new JsonConverter();

    SchemaJson() {
        // The worker's JsonConverter caches schemas both ways; the defaults (1000) are plenty.
        json.configure(Map.of("schemas.enable", "true"), false);
    }

    String toJson(Schema schema) {
        Schema carrier = SchemaBuilder.array(schema).optional().build();
        String envelope = new String(json.fromConnectData(TOPIC, carrier, null), StandardCharsets.UTF_8);
        if (!envelope.startsWith(PREFIX) || !envelope.endsWith(SUFFIX)) {
            throw new DataException("Unexpected JsonConverter envelope for a schema: " + envelope);
        }
        return envelope.substring(PREFIX.length(), envelope.length() - SUFFIX.length());
    }

    Schema fromJson(String schemaJson) {
        SchemaAndValue carrier = json.toConnectData(TOPIC, (PREFIX + schemaJson + SUFFIX).getBytes(StandardCharsets.UTF_8));
        return carrier.schema().valueSchema();
    }

    static long id(String schemaJson) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(schemaJson.getBytes(StandardCharsets.UTF_8));
            long id = 0;
            for (int i = 0; i < 8; i++) {
                id = (id << 8) | (digest[i] & 0xFF);
            }
            return id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    static String hex(long id) {
        return String.format("%016x", id);
    }
}
