package io.orch.runtime.image;

/** A bad archive, a digest that does not match, or an image that is not there. One clear message. */
public class ImageException extends Exception {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
