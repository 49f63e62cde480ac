package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What changed from one version of an entity to the next, as OpenMetadata's {@code changeDescription}: fields added,
 * updated and deleted, each named as OpenMetadata names them ({@code description}, {@code columns.amount},
 * {@code columns.amount.dataType}, {@code tableConstraints}, {@code deleted}, …).
 *
 * @param previousVersion the version this one follows; 0 for the first
 */
public record ChangeDescription(List<FieldChange> fieldsAdded, List<FieldChange> fieldsUpdated,
                                List<FieldChange> fieldsDeleted, int previousVersion) {
    public ChangeDescription {
        fieldsAdded = List.copyOf(fieldsAdded);
        fieldsUpdated = List.copyOf(fieldsUpdated);
        fieldsDeleted = List.copyOf(fieldsDeleted);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return fieldsAdded.isEmpty() && fieldsUpdated.isEmpty() && fieldsDeleted.isEmpty();
    }

    /**
     * One changed field; values are text (JSON text for lists and objects), null where there is none.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldChange(String name, String oldValue, String newValue) {
        public FieldChange {
            requireNonNull(name, "name is null");
        }
    }
}
