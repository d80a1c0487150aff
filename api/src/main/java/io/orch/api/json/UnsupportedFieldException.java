package io.orch.api.json;

/**
 * A request body sets a field orch does not keep (one the Docker Engine API defines and orch's
 * model lacks, or one in no API at all): refused rather than silently dropped.
 */
public final class UnsupportedFieldException extends JsonModelException {
    public UnsupportedFieldException(String field) {
        super(field, "not supported by orch");
    }
}
