package io.pg2ts.cli.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of an archive's table of contents as {@code pg_restore --list} prints it:
 * {@code 3338; 2606 16399 CONSTRAINT public accounts accounts_pkey postgres}.
 *
 * @param line the line as printed; {@code pg_restore --use-list} reads the dump id at its start
 * @param catalog the system catalog holding the object (2606 pg_constraint, 1259 pg_class, ...)
 * @param oid the object's OID in the source database
 * @param desc the entry type: TABLE, INDEX, FK CONSTRAINT, ...
 * @param schema the entry's schema, "-" for none
 * @param tag the object's name; "table constraint" for constraints and triggers
 */
record TocEntry(String line, long catalog, long oid, String desc, String schema, String tag) {

    static final long PG_CLASS = 1259;
    static final long PG_CONSTRAINT = 2606;

    private static final Pattern LINE = Pattern.compile("^(\\d+); (\\d+) (\\d+) (.*)$");

    // Entry types of more than one word, longest first, so "MATERIALIZED VIEW DATA" wins over "MATERIALIZED VIEW".
    private static final List<String> MULTI_WORD_DESCS = List.of("PUBLICATION TABLES IN SCHEMA", "MATERIALIZED VIEW DATA",
            "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "TEXT SEARCH TEMPLATE", "TEXT SEARCH PARSER",
            "FOREIGN DATA WRAPPER", "DATABASE PROPERTIES", "PROCEDURAL LANGUAGE", "SEQUENCE OWNED BY", "MATERIALIZED VIEW",
            "PUBLICATION TABLE", "CHECK CONSTRAINT", "SUBSCRIPTION TABLE", "OPERATOR FAMILY", "OPERATOR CLASS",
            "SECURITY LABEL", "BLOB METADATA", "EVENT TRIGGER", "FOREIGN TABLE", "FK CONSTRAINT", "ACCESS METHOD",
            "LARGE OBJECT", "SEQUENCE SET", "INDEX ATTACH", "TABLE ATTACH", "USER MAPPING", "ROW SECURITY",
            "DEFAULT ACL", "SHELL TYPE", "TABLE DATA")
            .stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();

    /** The entries of a {@code pg_restore --list} output; comment lines are skipped. */
    static List<TocEntry> parse(String listing) {
        List<TocEntry> entries = new ArrayList<>();
        for (String line : listing.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String rest = m.group(4);
            String desc = MULTI_WORD_DESCS.stream().filter(d -> rest.startsWith(d + " ")).findFirst()
                    .orElse(rest.contains(" ") ? rest.substring(0, rest.indexOf(' ')) : rest);
            String afterDesc = rest.length() > desc.length() ? rest.substring(desc.length() + 1) : "";
            int space = afterDesc.indexOf(' ');
            String schema = space < 0 ? afterDesc : afterDesc.substring(0, space);
            String nameAndOwner = space < 0 ? "" : afterDesc.substring(space + 1);
            // The owner is the last word, empty when the dump has none.
            int lastSpace = nameAndOwner.lastIndexOf(' ');
            String tag = lastSpace < 0 ? nameAndOwner : nameAndOwner.substring(0, lastSpace);
            entries.add(new TocEntry(line, Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), desc, schema, tag));
        }
        return entries;
    }

    /** For messages: "public.accounts", or "public accounts accounts_pkey" style tags as they are. */
    String describe() {
        return (schema.equals("-") ? "" : schema + ".") + tag;
    }
}
