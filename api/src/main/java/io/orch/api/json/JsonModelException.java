package io.orch.api.json;

/** A JSON value that does not fit the model; the message names the field path. */
public class JsonModelException extends Exception {
    private final String field;

    public JsonModelException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
