package io.pg2ts.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The errors in Connect's answer to {@code PUT /connector-plugins/<class>/config/validate}, one
 * per option and message. The answer echoes every value; only names and messages are read, and a
 * message that quotes a secret (an option named like a password, or a URL's {@code password=})
 * has it masked.
 */
public final class ConfigErrors {

    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token|credential|jaas).*");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&\\s\"']*");
    /** Shorter secrets are not masked: replacing every occurrence of a few letters would garble the messages. */
    private static final int MIN_MASKED_LENGTH = 4;
    static final String MASK = "[hidden]";

    private ConfigErrors() {
    }

    /** An option and what Connect or the connector says is wrong with it. */
    public record FieldError(String field, String message) {
    }

    /**
     * @param answer Connect's validate answer
     * @param config the options that were validated, to mask their secrets in the messages
     */
    public static List<FieldError> of(JsonNode answer, Map<String, String> config) {
        List<String> secrets = config.entrySet().stream()
                .filter(e -> SECRET_KEY.matcher(e.getKey()).matches())
                .map(Map.Entry::getValue)
                .filter(v -> v != null && v.length() >= MIN_MASKED_LENGTH)
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        List<FieldError> errors = new ArrayList<>();
        for (JsonNode option : answer.path("configs")) {
            String field = option.path("value").path("name").asText(option.path("definition").path("name").asText());
            for (JsonNode message : option.path("value").path("errors")) {
                errors.add(new FieldError(field, mask(message.asText(), secrets)));
            }
        }
        int counted = answer.path("error_count").asInt(0);
        if (errors.isEmpty() && counted > 0) {
            errors.add(new FieldError("(connector)", "Connect counts " + counted
                    + " error(s) but names no option; see the worker's log"));
        }
        return errors;
    }

    static String mask(String message, List<String> secrets) {
        String masked = message;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return URL_PASSWORD.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
}
