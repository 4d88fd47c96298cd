package dev.vessel.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A registry user name and password (or identity token) as stored in config.json. */
public record Credential(String username, String password) {
    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credential[" + username + ", ****]"; // never print the secret
    }
}
