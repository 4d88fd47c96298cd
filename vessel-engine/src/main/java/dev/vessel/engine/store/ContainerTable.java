package dev.vessel.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The SQL of the containers table. Callers hold the store's lock (and a transaction to write). */
final class ContainerTable {

    private static final String COLUMNS = "id, name, image, config, state, pid, exit_code, created, started,"
            + " finished, restart_count, restart_policy, stopped_by_user, health";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM containers ";
    private static final String ORDER = " ORDER BY created, rowid";

    /** How many candidates an ambiguous prefix message lists before "…". */
    private static final int CANDIDATES_SHOWN = 5;

    private ContainerTable() {
    }

    static void insert(Connection c, ContainerRecord r) throws SQLException {
        Optional<ContainerRecord> sameId = one(c, SELECT + "WHERE id = ?", r.id());
        if (sameId.isPresent()) {
            throw new StoreException.Conflict("container id " + r.id() + " is already in use by container \""
                    + sameId.get().name() + "\": create the container again to get a new id");
        }
        refuseTakenName(c, r);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO containers (" + COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, r.id());
            bindFields(s, 2, r);
            s.executeUpdate();
        }
    }

    static void update(Connection c, ContainerRecord r) throws SQLException {
        refuseTakenName(c, r);
        try (PreparedStatement s = c.prepareStatement("UPDATE containers SET name = ?, image = ?, config = ?,"
                + " state = ?, pid = ?, exit_code = ?, created = ?, started = ?, finished = ?, restart_count = ?,"
                + " restart_policy = ?, stopped_by_user = ?, health = ? WHERE id = ?")) {
            bindFields(s, 1, r);
            s.setString(14, r.id());
            if (s.executeUpdate() == 0) {
                throw new StoreException.NotFound("container " + r.shortId() + " (\"" + r.name()
                        + "\") is not in the engine database, it was removed: list containers with vessel ps -a");
            }
        }
    }

    static boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM containers WHERE id = ?")) {
            s.setString(1, id);
            return s.executeUpdate() > 0;
        }
    }

    static List<ContainerRecord> list(Connection c) throws SQLException {
        return many(c, SELECT + ORDER);
    }

    /** Docker's rule: an exact id, then an exact name, then a prefix of exactly one id. */
    static Optional<ContainerRecord> find(Connection c, String ref) throws SQLException {
        if (ref == null || ref.isEmpty()) {
            return Optional.empty();
        }
        Optional<ContainerRecord> exact = one(c, SELECT + "WHERE id = ?", ref);
        if (exact.isEmpty()) {
            exact = one(c, SELECT + "WHERE name = ?", ref);
        }
        if (exact.isPresent()) {
            return exact;
        }
        // A range on the primary key instead of LIKE: no wildcards to escape, and it uses the
        // index. Ids are printable ASCII (checked by ContainerRecord), all below char(127).
        List<ContainerRecord> matches = many(c, SELECT + "WHERE id >= ?1 AND id < ?1 || char(127)" + ORDER
                + " LIMIT " + (CANDIDATES_SHOWN + 1), ref);
        if (matches.size() > 1) {
            String shown = matches.stream().limit(CANDIDATES_SHOWN)
                    .map(m -> m.id() + " (" + m.name() + ")").collect(Collectors.joining(", "));
            throw new StoreException.Ambiguous("container reference \"" + ref + "\" is ambiguous, it matches "
                    + shown + (matches.size() > CANDIDATES_SHOWN ? ", …" : "")
                    + ": give more characters of the id, or the name");
        }
        return matches.stream().findFirst();
    }

    private static void refuseTakenName(Connection c, ContainerRecord r) throws SQLException {
        Optional<ContainerRecord> holder = one(c, SELECT + "WHERE name = ? AND id <> ?", r.name(), r.id());
        if (holder.isPresent()) {
            throw new StoreException.Conflict("container name \"" + r.name() + "\" is already in use by container "
                    + holder.get().shortId() + ": remove it (vessel rm " + r.name() + ") or pick another");
        }
    }

    /** Binds every column but id, in {@link #COLUMNS} order, from parameter {@code first} on. */
    private static void bindFields(PreparedStatement s, int first, ContainerRecord r) throws SQLException {
        int i = first;
        s.setString(i++, r.name());
        s.setString(i++, r.image());
        s.setString(i++, r.config());
        s.setString(i++, r.state());
        s.setInt(i++, r.pid());
        if (r.exitCode() == null) {
            s.setNull(i++, Types.INTEGER);
        } else {
            s.setInt(i++, r.exitCode());
        }
        Nanos.set(s, i++, r.created());
        Nanos.set(s, i++, r.started());
        Nanos.set(s, i++, r.finished());
        s.setInt(i++, r.restartCount());
        s.setString(i++, r.restartPolicy());
        s.setInt(i++, r.stoppedByUser() ? 1 : 0);
        s.setString(i, r.health());
    }

    private static Optional<ContainerRecord> one(Connection c, String sql, String... args) throws SQLException {
        return many(c, sql, args).stream().findFirst();
    }

    private static List<ContainerRecord> many(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet row = s.executeQuery()) {
                List<ContainerRecord> out = new ArrayList<>();
                while (row.next()) {
                    out.add(read(row));
                }
                return out;
            }
        }
    }

    private static ContainerRecord read(ResultSet row) throws SQLException {
        int exitCode = row.getInt("exit_code");
        Integer exit = row.wasNull() ? null : exitCode;
        return new ContainerRecord(row.getString("id"), row.getString("name"), row.getString("image"),
                row.getString("config"), row.getString("state"), row.getInt("pid"), exit,
                Nanos.get(row, "created"), Nanos.get(row, "started"), Nanos.get(row, "finished"),
                row.getInt("restart_count"), row.getString("restart_policy"), row.getInt("stopped_by_user") != 0,
                row.getString("health"));
    }
}
