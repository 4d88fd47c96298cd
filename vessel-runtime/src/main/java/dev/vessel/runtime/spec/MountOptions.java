package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.MountFlags.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses a mount's OCI {@code options} into what the kernel takes: mount(2) flags, the
 * propagation changes (each a separate mount(2) call), mount_setattr(2) attributes for the
 * recursive variants ({@code rro}, {@code rnosuid}, ...), and the data string handed to the
 * filesystem. The table is runc's ({@code libcontainer/specconv}); later options win over
 * earlier ones, as with mount(8).
 */
public final class MountOptions {

    /** An option that sets ({@code clear == false}) or clears a flag. */
    private record Flag(boolean clear, long flag) {}

    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("acl", new Flag(false, MS_POSIXACL)),
            Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
            Map.entry("atime", new Flag(true, MS_NOATIME)),
            Map.entry("bind", new Flag(false, MS_BIND)),
            Map.entry("defaults", new Flag(false, 0)),
            Map.entry("dev", new Flag(true, MS_NODEV)),
            Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
            Map.entry("dirsync", new Flag(false, MS_DIRSYNC)),
            Map.entry("exec", new Flag(true, MS_NOEXEC)),
            Map.entry("iversion", new Flag(false, MS_I_VERSION)),
            Map.entry("lazytime", new Flag(false, MS_LAZYTIME)),
            Map.entry("loud", new Flag(true, MS_SILENT)),
            Map.entry("mand", new Flag(false, MS_MANDLOCK)),
            Map.entry("noacl", new Flag(true, MS_POSIXACL)),
            Map.entry("noatime", new Flag(false, MS_NOATIME)),
            Map.entry("nodev", new Flag(false, MS_NODEV)),
            Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
            Map.entry("noexec", new Flag(false, MS_NOEXEC)),
            Map.entry("noiversion", new Flag(true, MS_I_VERSION)),
            Map.entry("nolazytime", new Flag(true, MS_LAZYTIME)),
            Map.entry("nomand", new Flag(true, MS_MANDLOCK)),
            Map.entry("norelatime", new Flag(true, MS_RELATIME)),
            Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)),
            Map.entry("nosuid", new Flag(false, MS_NOSUID)),
            Map.entry("nosymfollow", new Flag(false, MS_NOSYMFOLLOW)),
            Map.entry("rbind", new Flag(false, MS_BIND | MS_REC)),
            Map.entry("relatime", new Flag(false, MS_RELATIME)),
            Map.entry("remount", new Flag(false, MS_REMOUNT)),
            Map.entry("ro", new Flag(false, MS_RDONLY)),
            Map.entry("rw", new Flag(true, MS_RDONLY)),
            Map.entry("silent", new Flag(false, MS_SILENT)),
            Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
            Map.entry("suid", new Flag(true, MS_NOSUID)),
            Map.entry("symfollow", new Flag(true, MS_NOSYMFOLLOW)),
            Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)));

    private static final Map<String, Long> PROPAGATION_OPTIONS = Map.of(
            "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
            "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    /** Recursive variants, applied with mount_setattr(AT_RECURSIVE) to the whole subtree. */
    private static final Map<String, Flag> RECURSIVE_ATTRS = Map.ofEntries(
            Map.entry("rro", new Flag(false, MOUNT_ATTR_RDONLY)),
            Map.entry("rrw", new Flag(true, MOUNT_ATTR_RDONLY)),
            Map.entry("rnosuid", new Flag(false, MOUNT_ATTR_NOSUID)),
            Map.entry("rsuid", new Flag(true, MOUNT_ATTR_NOSUID)),
            Map.entry("rnodev", new Flag(false, MOUNT_ATTR_NODEV)),
            Map.entry("rdev", new Flag(true, MOUNT_ATTR_NODEV)),
            Map.entry("rnoexec", new Flag(false, MOUNT_ATTR_NOEXEC)),
            Map.entry("rexec", new Flag(true, MOUNT_ATTR_NOEXEC)),
            Map.entry("rnodiratime", new Flag(false, MOUNT_ATTR_NODIRATIME)),
            Map.entry("rdiratime", new Flag(true, MOUNT_ATTR_NODIRATIME)),
            Map.entry("rrelatime", new Flag(false, MOUNT_ATTR_RELATIME)),
            Map.entry("rnorelatime", new Flag(true, MOUNT_ATTR_RELATIME)),
            Map.entry("rnoatime", new Flag(false, MOUNT_ATTR_NOATIME)),
            Map.entry("ratime", new Flag(true, MOUNT_ATTR_NOATIME)),
            Map.entry("rstrictatime", new Flag(false, MOUNT_ATTR_STRICTATIME)),
            Map.entry("rnostrictatime", new Flag(true, MOUNT_ATTR_STRICTATIME)),
            Map.entry("rnosymfollow", new Flag(false, MOUNT_ATTR_NOSYMFOLLOW)),
            Map.entry("rsymfollow", new Flag(true, MOUNT_ATTR_NOSYMFOLLOW)));

    /** How a bind mount's ids are shifted (runtime-spec 1.2 idmapped mounts). */
    public enum IdMap { NONE, IDMAP, RIDMAP }

    /**
     * The parsed options.
     *
     * @param flags        mount(2) flags to set
     * @param cleared      flags an option explicitly cleared (rw, suid, dev, ...), for remounts
     * @param propagation  propagation changes in order, each one mount(2) call on the target
     * @param data         comma-joined filesystem options ("mode=755,size=65536k"), "" if none
     * @param attrSet      mount_setattr(2) attr_set for the recursive options, 0 if none
     * @param attrClr      mount_setattr(2) attr_clr
     * @param tmpcopyup    copy the image's content into a new tmpfs (runc's extension)
     * @param idmap        whether and how to idmap a bind mount
     * @param unrecognised options that are not flags and have no {@code =}, passed on in
     *                     {@code data}; for a bind mount the kernel ignores them, so they are typos
     */
    public record Parsed(long flags, long cleared, List<Long> propagation, String data, long attrSet,
                         long attrClr, boolean tmpcopyup, IdMap idmap, List<String> unrecognised) {

        public boolean bind() {
            return (flags & MS_BIND) != 0;
        }

        /** True for rbind: the bind takes submounts along. */
        public boolean recursive() {
            return (flags & MS_REC) != 0;
        }

        public boolean readonly() {
            return (flags & MS_RDONLY) != 0;
        }

        public boolean hasRecursiveAttrs() {
            return attrSet != 0 || attrClr != 0;
        }
    }

    private MountOptions() {}

    /** Parses options; null means none. Never fails: unknown options go to {@code data}. */
    public static Parsed parse(List<String> options) {
        long flags = 0;
        long cleared = 0;
        long attrSet = 0;
        long attrClr = 0;
        boolean tmpcopyup = false;
        IdMap idmap = IdMap.NONE;
        List<Long> propagation = new ArrayList<>();
        List<String> data = new ArrayList<>();
        List<String> unrecognised = new ArrayList<>();
        for (String o : options == null ? List.<String>of() : options) {
            if (o == null) {
                continue; // the validator reports it; the parser refuses null elements anyway
            }
            Flag f = FLAGS.get(o);
            Flag attr = RECURSIVE_ATTRS.get(o);
            Long prop = PROPAGATION_OPTIONS.get(o);
            if (f != null) {
                if (f.clear()) {
                    flags &= ~f.flag();
                    cleared |= f.flag();
                } else {
                    flags |= f.flag();
                    cleared &= ~f.flag();
                }
            } else if (prop != null) {
                propagation.add(prop);
            } else if (attr != null) {
                if (attr.clear()) {
                    attrClr |= attr.flag();
                    attrSet &= ~attr.flag();
                } else {
                    attrSet |= attr.flag();
                    attrClr &= ~attr.flag();
                    if ((attr.flag() & MOUNT_ATTR__ATIME) == attr.flag()) {
                        // mount_setattr(2): an access-time mode is a value, not a bit, so
                        // setting one requires MOUNT_ATTR__ATIME in attr_clr.
                        attrClr |= MOUNT_ATTR__ATIME;
                    }
                }
            } else if (o.equals("tmpcopyup")) {
                tmpcopyup = true;
            } else if (o.equals("idmap")) {
                idmap = IdMap.IDMAP;
            } else if (o.equals("ridmap")) {
                idmap = IdMap.RIDMAP;
            } else {
                data.add(o);
                if (!o.contains("=")) {
                    unrecognised.add(o);
                }
            }
        }
        return new Parsed(flags, cleared, List.copyOf(propagation), String.join(",", data), attrSet, attrClr,
                tmpcopyup, idmap, List.copyOf(unrecognised));
    }

    /** True if the option is one Vessel interprets itself (not passed on as filesystem data). */
    public static boolean isKnown(String option) {
        return option != null && FLAGS.containsKey(option) || PROPAGATION_OPTIONS.containsKey(option)
                || RECURSIVE_ATTRS.containsKey(option)
                || option.equals("tmpcopyup") || option.equals("idmap") || option.equals("ridmap");
    }

    /** Every option Vessel interprets, for the features document. */
    public static List<String> known() {
        List<String> all = new ArrayList<>(FLAGS.keySet());
        all.addAll(PROPAGATION_OPTIONS.keySet());
        all.addAll(RECURSIVE_ATTRS.keySet());
        all.addAll(List.of("tmpcopyup", "idmap", "ridmap"));
        all.sort(null);
        return all;
    }
}
