/// A first look at what common mail clients do not render in a message's HTML: a small table
/// of features, each found by a plain text match, with the clients that lack it (or support
/// it only partly). Summarised from caniemail.com's data for Gmail (web and apps), Outlook on
/// Windows, Apple Mail and Yahoo Mail; it is a hint, not a rendering test.
public enum HTMLCompatibility {
    public struct Rule: Sendable, Equatable {
        public var feature: String
        /// Lowercased text whose presence means the feature is used.
        public var markers: [String]
        public var clients: String
    }

    public static let rules: [Rule] = [
        Rule(feature: "<script> (scripts)", markers: ["<script"], clients: "every mail client (removed or never run)"),
        Rule(feature: "<form> and inputs", markers: ["<form", "<input"], clients: "Gmail, Outlook (Windows), Yahoo Mail"),
        Rule(feature: "<video> and <audio>", markers: ["<video", "<audio"], clients: "Gmail, Outlook (Windows), Yahoo Mail"),
        Rule(feature: "<svg> images", markers: ["<svg"], clients: "Gmail, Outlook (Windows)"),
        Rule(
            feature: "display: flex", markers: ["display:flex", "display: flex", "inline-flex"], clients: "Outlook (Windows); partly Gmail"),
        Rule(feature: "display: grid", markers: ["display:grid", "display: grid"], clients: "Gmail, Outlook (Windows), Yahoo Mail"),
        Rule(
            feature: "position (absolute, fixed)",
            markers: ["position:absolute", "position: absolute", "position:fixed", "position: fixed"],
            clients: "Gmail, Outlook (Windows), Yahoo Mail"),
        Rule(feature: "CSS variables (var(--…))", markers: ["var(--"], clients: "Gmail, Outlook (Windows), Yahoo Mail"),
        Rule(feature: "background-image in CSS", markers: ["background-image"], clients: "Outlook (Windows); partly Gmail"),
        Rule(feature: "border-radius", markers: ["border-radius"], clients: "Outlook (Windows)"),
        Rule(feature: "@media queries", markers: ["@media"], clients: "Outlook (Windows); partly Gmail"),
        Rule(
            feature: "<style> with @import or <link> stylesheets", markers: ["@import", "<link "],
            clients: "Gmail, Outlook (Windows), Yahoo Mail"),
        Rule(feature: "Web fonts (@font-face)", markers: ["@font-face"], clients: "Gmail, Outlook (Windows), Yahoo Mail"),
        Rule(feature: "max-width", markers: ["max-width"], clients: "Outlook (Windows)"),
    ]

    /// The rules the HTML matches, in table order.
    public static func findings(_ html: String) -> [Rule] {
        let lower = html.lowercased()
        return rules.filter { rule in rule.markers.contains { lower.contains($0) } }
    }
}
