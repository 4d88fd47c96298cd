package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One entry of {@code mounts}; {@code options} are parsed by {@link MountOptions}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Mount(
        String destination,
        String type,
        String source,
        List<String> options,
        List<Linux.IdMapping> uidMappings,
        List<Linux.IdMapping> gidMappings) {

    public Mount(String destination, String type, String source, List<String> options) {
        this(destination, type, source, options, null, null);
    }
}
