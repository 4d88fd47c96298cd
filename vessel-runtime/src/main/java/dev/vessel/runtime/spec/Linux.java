package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Map;

/** {@code linux}: everything Linux-specific in the spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Linux(
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings,
        Map<String, TimeOffset> timeOffsets,
        Map<String, String> sysctl,
        LinuxResources resources,
        String cgroupsPath,
        List<Namespace> namespaces,
        List<Device> devices,
        Seccomp seccomp,
        String rootfsPropagation,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String mountLabel,
        IntelRdt intelRdt,
        Personality personality,
        Map<String, NetDevice> netDevices) {

    /** {@code type} is one of {@link Namespaces#TYPES}; a {@code path} joins an existing one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Namespace(String type, String path) {
        // Not a JSON creator: "pid" in place of {"type": "pid"} is a type error, not a shorthand.
        @JsonCreator(mode = JsonCreator.Mode.DISABLED)
        public Namespace(String type) {
            this(type, null);
        }
    }

    /** A uid_map/gid_map line: container ids [containerID, containerID+size) map to hostID... */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IdMapping(
            @JsonDeserialize(using = Unsigned.Uint32.class) long containerID,
            @JsonDeserialize(using = Unsigned.Uint32.class) long hostID,
            @JsonDeserialize(using = Unsigned.Uint32.class) long size) {

        public boolean containsContainerId(long id) {
            return id >= containerID && id - containerID < size;
        }
    }

    /** An offset of the time namespace's {@code monotonic} or {@code boottime} clock. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TimeOffset(
            long secs,
            @JsonDeserialize(using = Unsigned.Uint32.class) long nanosecs) {}

    /** A device node to create: type c, b, u (unbuffered char) or p (fifo). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Device(
            String type,
            String path,
            long major,
            long minor,
            @JsonDeserialize(using = Unsigned.Uint32.class) Long fileMode,
            @JsonDeserialize(using = Unsigned.Uint32.class) Long uid,
            @JsonDeserialize(using = Unsigned.Uint32.class) Long gid) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IntelRdt(
            String closID,
            String l3CacheSchema,
            String memBwSchema,
            Boolean enableCMT,
            Boolean enableMBM) {}

    /** personality(2): {@code domain} LINUX or LINUX32. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Personality(String domain, List<String> flags) {}

    /** A host network device to move into the container's network namespace (spec 1.2). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NetDevice(String name) {}

    /** True when a namespace of this type is in the list (new or joined). */
    public boolean hasNamespace(String type) {
        return namespace(type) != null;
    }

    public Namespace namespace(String type) {
        if (namespaces == null) {
            return null;
        }
        for (Namespace ns : namespaces) {
            if (ns != null && type.equals(ns.type())) {
                return ns;
            }
        }
        return null;
    }
}
