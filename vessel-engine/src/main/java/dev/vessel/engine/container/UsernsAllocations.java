package dev.vessel.engine.container;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Linux;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Host id ranges of containers with a user namespace, so that two containers never share one
 * (a shared range would let one container's root own the other's files).
 *
 * <p>Each container's mappings are recorded in its bundle directory, in a file {@code userns}
 * ({@code uid CONTAINER HOST SIZE} and {@code gid ...} lines), written while holding
 * {@code <storage>/userns.lock}; so removing the bundle frees the range, and a range stays
 * taken as long as the container (and the files its upper layer holds in that range) exists.
 *
 * <p>The pool for {@code --userns=auto}, as podman's: the ranges that /etc/subuid and
 * /etc/subgid give to the user {@code containers}, if any; otherwise ids 100000 to 4294967294
 * without every range those files give to anyone (those belong to rootless users).
 */
public final class UsernsAllocations {

    public static final String RECORD = "userns";
    public static final String POOL_USER = "containers";
    static final long DEFAULT_POOL_START = 100_000;
    private static final Object IN_PROCESS = new Object();

    private final Path containers;
    private final Path lock;
    private final Path subuid;
    private final Path subgid;

    UsernsAllocations(Path containers, Path lock, Path subuid, Path subgid) {
        this.containers = containers;
        this.lock = lock;
        this.subuid = subuid;
        this.subgid = subgid;
    }

    public static UsernsAllocations of(Storage storage) {
        return new UsernsAllocations(storage.containers(), storage.root().resolve("userns.lock"),
                Path.of("/etc/subuid"), Path.of("/etc/subgid"));
    }

    /** The container's maps: allocated for auto, as given otherwise; recorded in {@code bundle}. Host: nothing. */
    public ContainerIdMaps assign(UsernsMode mode, Path bundle) {
        return switch (mode) {
            case UsernsMode.Host h -> ContainerIdMaps.HOST;
            case UsernsMode.Given g -> locked(() -> record(bundle, g.maps()));
            case UsernsMode.Auto a -> locked(() -> record(bundle, allocate(a.size(), bundle)));
        };
    }

    private ContainerIdMaps allocate(long size, Path self) throws IOException {
        List<IdRanges.Subordinate> subUids = subordinates(subuid);
        List<IdRanges.Subordinate> subGids = subordinates(subgid);
        List<IdRanges.Range> uidPool = owned(subUids), gidPool = owned(subGids);
        List<IdRanges.Range> uidTaken = new ArrayList<>(), gidTaken = new ArrayList<>();
        takenByOthers(self, uidTaken, gidTaken);
        String where;
        if (uidPool.isEmpty() != gidPool.isEmpty()) {
            Path missing = uidPool.isEmpty() ? subuid : subgid;
            throw new RuntimeError("--userns auto: " + missing + " gives no range to the user \"" + POOL_USER + "\" while "
                    + (uidPool.isEmpty() ? subgid : subuid) + " does; add one (e.g. " + POOL_USER + ":2147483648:2147483648)");
        } else if (uidPool.isEmpty()) {
            // One pool for both: taking the union as taken gives uids and gids the same start.
            where = "ids " + DEFAULT_POOL_START + "-" + (UsernsMode.MAX_ID - 1) + " outside " + subuid + " and " + subgid;
            uidPool = List.of(new IdRanges.Range(DEFAULT_POOL_START, UsernsMode.MAX_ID - DEFAULT_POOL_START));
            gidPool = uidPool;
            uidTaken.addAll(gidTaken);
            subUids.forEach(s -> uidTaken.add(s.range()));
            subGids.forEach(s -> uidTaken.add(s.range()));
            gidTaken.clear();
            gidTaken.addAll(uidTaken);
        } else {
            where = "the ranges of \"" + POOL_USER + "\" in " + subuid + " and " + subgid;
        }
        OptionalLong u = IdRanges.firstFit(uidPool, uidTaken, size);
        OptionalLong g = IdRanges.firstFit(gidPool, gidTaken, size);
        if (u.isEmpty() || g.isEmpty()) {
            throw new RuntimeError("--userns auto:size=" + size + ": no free range of " + size + " " + (u.isEmpty() ? "uids" : "gids")
                    + " left in " + where + "; remove containers (vessel rm) or ask for a smaller size");
        }
        return new ContainerIdMaps(List.of(new Linux.IdMapping(0, u.getAsLong(), size)),
                List.of(new Linux.IdMapping(0, g.getAsLong(), size)));
    }

    private static List<IdRanges.Range> owned(List<IdRanges.Subordinate> subs) {
        return subs.stream().filter(s -> s.owner().equals(POOL_USER)).map(IdRanges.Subordinate::range).toList();
    }

    private static List<IdRanges.Subordinate> subordinates(Path file) throws IOException {
        try {
            return IdRanges.parseSubordinate(Files.readString(file));
        } catch (NoSuchFileException e) {
            return List.of(); // no rootless users, no containers user: the whole default pool is free
        }
    }

    private void takenByOthers(Path self, List<IdRanges.Range> uids, List<IdRanges.Range> gids) throws IOException {
        if (!Files.isDirectory(containers)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(containers)) {
            for (Path c : ds) {
                if (c.equals(self)) {
                    continue;
                }
                ContainerIdMaps m = read(c);
                m.uids().forEach(x -> uids.add(new IdRanges.Range(x.hostID(), x.size())));
                m.gids().forEach(x -> gids.add(new IdRanges.Range(x.hostID(), x.size())));
            }
        }
    }

    /** The maps recorded in a bundle directory; {@link ContainerIdMaps#HOST} when there is no record. */
    public static ContainerIdMaps read(Path bundle) throws IOException {
        List<Linux.IdMapping> uids = new ArrayList<>(), gids = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(bundle.resolve(RECORD));
        } catch (NoSuchFileException e) {
            return ContainerIdMaps.HOST;
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length == 4 && (f[0].equals("uid") || f[0].equals("gid"))) {
                Linux.IdMapping m = new Linux.IdMapping(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
                (f[0].equals("uid") ? uids : gids).add(m);
            }
        }
        return new ContainerIdMaps(uids, gids);
    }

    private static ContainerIdMaps record(Path bundle, ContainerIdMaps maps) throws IOException {
        StringBuilder b = new StringBuilder();
        maps.uids().forEach(m -> b.append("uid ").append(m.containerID()).append(' ').append(m.hostID()).append(' ')
                .append(m.size()).append('\n'));
        maps.gids().forEach(m -> b.append("gid ").append(m.containerID()).append(' ').append(m.hostID()).append(' ')
                .append(m.size()).append('\n'));
        Path tmp = bundle.resolve(RECORD + ".tmp");
        Files.writeString(tmp, b);
        Files.move(tmp, bundle.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
        return maps;
    }

    private interface Step {
        ContainerIdMaps run() throws IOException;
    }

    // The whole read-choose-record runs under one lock: two `vessel run`s at once must not pick the same range.
    // The file lock (fcntl) excludes other processes; the monitor excludes other threads of this JVM,
    // which a second FileChannel.lock would not wait for (it throws OverlappingFileLockException).
    private ContainerIdMaps locked(Step step) {
        synchronized (IN_PROCESS) {
            try {
                Files.createDirectories(lock.getParent());
                try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock held = ch.lock()) {
                    return step.run();
                }
            } catch (IOException e) {
                throw new RuntimeError("user namespace ids: " + e.getMessage());
            }
        }
    }
}
