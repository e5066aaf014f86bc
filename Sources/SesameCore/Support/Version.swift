/// This build's version, shown by `sesame --version`, the banner, metrics and the APIs that report one.
public enum SesameVersion {
    public static let current = "0.1.0"
}
