package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EntityDiffTest {
    private static JsonNode json(String text) {
        return CatalogStore.parse(text.replace('\'', '"'));
    }

    @Test
    void ownerConstraintsAndRetypedColumnsAreUpdates() {
        JsonNode before = json("""
                {'name': 't', 'tableType': 'Regular', 'owner': {'type': 'user', 'fullyQualifiedName': 'alice'},
                 'columns': [{'name': 'id', 'dataType': 'INT', 'dataTypeDisplay': 'integer', 'ordinalPosition': 1},
                             {'name': 'gone', 'dataType': 'TEXT', 'dataTypeDisplay': 'text', 'ordinalPosition': 2},
                             {'name': 'kept', 'dataType': 'TEXT', 'dataTypeDisplay': 'text', 'ordinalPosition': 3}],
                 'tableConstraints': [{'constraintType': 'UNIQUE', 'columns': ['id', 'kept']}]}""");
        JsonNode after = json("""
                {'name': 't', 'tableType': 'Regular', 'owner': {'type': 'user', 'fullyQualifiedName': 'bob'},
                 'columns': [{'name': 'id', 'dataType': 'BIGINT', 'dataTypeDisplay': 'bigint', 'ordinalPosition': 1},
                             {'name': 'kept', 'dataType': 'TEXT', 'dataTypeDisplay': 'text', 'ordinalPosition': 2}]}""");
        ChangeDescription change = EntityDiff.between(before, after, 4);
        assertThat(change.previousVersion()).isEqualTo(4);
        assertThat(change.fieldsAdded()).isEmpty();
        assertThat(change.fieldsUpdated()).containsExactly(
                new ChangeDescription.FieldChange("owner", "alice", "bob"),
                new ChangeDescription.FieldChange("columns.id.dataType", "INT", "BIGINT"),
                new ChangeDescription.FieldChange("columns.id.dataTypeDisplay", "integer", "bigint"));
        // a column that only moved up (its ordinal position) did not change
        assertThat(change.fieldsDeleted()).containsExactly(
                new ChangeDescription.FieldChange("columns.gone", "text", null),
                new ChangeDescription.FieldChange("tableConstraints",
                        "[{\"constraintType\":\"UNIQUE\",\"columns\":[\"id\",\"kept\"]}]", null));
    }

    @Test
    void theSameBodyIsNoChange() {
        JsonNode body = json("{'name': 'svc', 'serviceType': 'Postgres', 'connection': {'config': {'type': 'Postgres'}}}");
        assertThat(EntityDiff.between(body, body, 1).isEmpty()).isTrue();
    }
}
