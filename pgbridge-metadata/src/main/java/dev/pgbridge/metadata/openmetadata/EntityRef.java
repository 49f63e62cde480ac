package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * OpenMetadata's {@code entityReference}: an entity by its type ({@code table}, {@code user}, {@code query}, …) and
 * fully qualified name. Our sources know names, not ids: the id is filled in by the sink ({@link Ids}) when the request
 * leaves, so one request model serves every sink.
 *
 * @param id null until a sink resolves it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntityRef(String id, String type, String fullyQualifiedName) {
    public EntityRef {
        requireNonNull(type, "type is null");
        requireNonNull(fullyQualifiedName, "fullyQualifiedName is null");
    }

    public static EntityRef of(String type, String fullyQualifiedName) {
        return new EntityRef(null, type, fullyQualifiedName);
    }

    public static EntityRef table(String fqn) {
        return of("table", fqn);
    }

    /** This reference with its id from {@code ids} (itself when it has one). */
    public EntityRef resolved(Ids ids) {
        return id != null ? this : new EntityRef(ids.id(this), type, fullyQualifiedName);
    }

    /** How a sink finds the id of an entity it is about to name in a request. */
    @FunctionalInterface
    public interface Ids {
        /**
         * Ids made from the name (a version 3 UUID of {@code type:fqn}): the same entity always gets the same id. The
         * {@code file} sink has no server to ask and writes these; the test server assigns the same ones.
         */
        Ids NAME_BASED = ref -> UUID.nameUUIDFromBytes((ref.type() + ":" + ref.fullyQualifiedName())
                .getBytes(StandardCharsets.UTF_8)).toString();

        String id(EntityRef ref);
    }
}
