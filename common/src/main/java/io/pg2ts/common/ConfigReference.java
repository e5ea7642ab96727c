package io.pg2ts.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * The configuration reference in the README, generated from a connector's {@link ConfigDef} so it
 * cannot drift from the code. Each connector's tests compare the README with {@link #markdown}.
 *
 * <p>Regenerate with {@code build-support/update-config-reference.sh}, which runs {@link #main}.
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    /** The options of {@code def} as Markdown, grouped in the order of {@link ConfigDef#groups()}. */
    public static String markdown(ConfigDef def) {
        List<String> groups = def.groups();
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        keys.sort(Comparator.<ConfigDef.ConfigKey>comparingInt(k -> k.group == null ? Integer.MAX_VALUE : groups.indexOf(k.group))
                .thenComparingInt(k -> k.orderInGroup)
                .thenComparing(k -> k.name));
        StringBuilder out = new StringBuilder();
        String currentGroup = null;
        for (ConfigDef.ConfigKey key : keys) {
            String group = key.group == null ? "Other" : key.group;
            if (!group.equals(currentGroup)) {
                out.append("\n#### ").append(group).append("\n\n");
                out.append("| option | type | default | valid values | description |\n");
                out.append("|---|---|---|---|---|\n");
                currentGroup = group;
            }
            out.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(defaultText(key)).append(" | ")
                    .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                    .append(cell(key.documentation == null ? "" : key.documentation)).append(" |\n");
        }
        return out.toString().stripLeading();
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "**required**";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "null";
        }
        if (value instanceof Password password) {
            return password.value().isEmpty() ? "\"\"" : "[hidden]";
        }
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        return text.isEmpty() ? "\"\"" : "`" + cell(text) + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** Replaces the text between the section's markers in a README. */
    public static String replaceSection(String readme, String section, String content) {
        String start = startMarker(section);
        String end = endMarker(section);
        int from = readme.indexOf(start);
        int to = readme.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("README has no " + start + " ... " + end + " section");
        }
        return readme.substring(0, from + start.length()) + "\n" + content + readme.substring(to);
    }

    /** The text between the section's markers, without the newline after the start marker. */
    public static String section(String readme, String section) {
        String start = startMarker(section);
        int from = readme.indexOf(start);
        int to = readme.indexOf(endMarker(section));
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("README has no " + start + " section");
        }
        return readme.substring(from + start.length() + 1, to);
    }

    private static String startMarker(String section) {
        return "<!-- config-reference:" + section + ":start -->";
    }

    private static String endMarker(String section) {
        return "<!-- config-reference:" + section + ":end -->";
    }

    /**
     * Rewrites one section of a README: {@code ConfigReference README.md sink io.pg2ts.sink.TimescaleSinkConfig}
     * (the class must have a static {@code CONFIG_DEF}).
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ConfigReference README.md SECTION CONFIG_CLASS");
            System.exit(2);
        }
        Path readme = Path.of(args[0]);
        ConfigDef def = (ConfigDef) Class.forName(args[2]).getField("CONFIG_DEF").get(null);
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        Files.writeString(readme, replaceSection(text, args[1], markdown(def)), StandardCharsets.UTF_8);
    }
}
