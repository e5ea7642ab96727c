package io.pg2ts.source;

import io.pg2ts.testsupport.LocalPostgres;
import java.util.HashMap;
import java.util.Map;

/** Connector properties the tests start from. */
final class TestConfigs {

    private TestConfigs() {
    }

    /** The required options, for a connector named {@code orders-migration}. */
    static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "orders-migration");
        props.put("database.hostname", "db.example.com");
        props.put("database.user", "migrator");
        props.put("database.dbname", "shop");
        props.put("topic.prefix", "shop");
        return props;
    }

    /** The required options for a database of a local server, as its superuser. */
    static Map<String, String> forServer(LocalPostgres server, String database) {
        Map<String, String> props = minimal();
        props.put("database.hostname", server.host());
        props.put("database.port", Integer.toString(server.port()));
        props.put("database.user", LocalPostgres.USER);
        props.put("database.dbname", database);
        return props;
    }
}
