package io.orch.cli.stack;

/** The stack name rule: it prefixes every object, so it must be a valid start of a name. */
public final class StackValidatorNames {
    private StackValidatorNames() {}

    /** Null when fine, else why not. */
    public static String stackNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            return "must start with a letter or digit and use only letters, digits, '_', '.' and '-'";
        }
        return null;
    }
}
