import Testing

@testable import SesameCore

@Suite struct TemplateRendererTests {
    func render(_ template: String, _ json: String, html: Bool = false) throws -> String {
        try TemplateRenderer.render(template, data: try TemplateRenderer.parseData(json), escapeHTML: html)
    }

    @Test func variablesAndPaths() throws {
        #expect(try render("Hello {{name}}!", #"{"name":"Ann"}"#) == "Hello Ann!")
        #expect(try render("{{ user.name }} ({{user.age}})", #"{"user":{"name":"Bo","age":42}}"#) == "Bo (42)")
        #expect(try render("{{flag}} {{n}} {{x}}", #"{"flag":true,"n":1.5,"x":0}"#) == "true 1.5 0")
        #expect(try render("no tags", "{}") == "no tags")
    }

    @Test func htmlEscapingOnlyWhereAsked() throws {
        #expect(try render("<p>{{v}}</p>", #"{"v":"<b>&"}"#, html: true) == "<p>&lt;b&gt;&amp;</p>")
        #expect(try render("<p>{{{v}}}</p>", #"{"v":"<b>"}"#, html: true) == "<p><b></p>")
        #expect(try render("{{v}}", #"{"v":"<b>"}"#) == "<b>")
    }

    @Test func conditionalsAndLoops() throws {
        #expect(try render("{{#if vip}}VIP{{else}}regular{{/if}}", #"{"vip":true}"#) == "VIP")
        #expect(try render("{{#if vip}}VIP{{else}}regular{{/if}}", #"{"vip":false}"#) == "regular")
        #expect(try render("{{#unless vip}}regular{{/unless}}", "{}") == "regular")
        #expect(try render("{{#if missing}}{{nothere}}{{/if}}ok", "{}") == "ok")
        #expect(try render("{{#each items}}[{{this}}]{{/each}}", #"{"items":["a","b"]}"#) == "[a][b]")
        #expect(
            try render("{{#each people}}{{name}} of {{team}};{{/each}}", #"{"team":"T","people":[{"name":"A"},{"name":"B"}]}"#)
                == "A of T;B of T;")
        #expect(try render("{{#each none}}x{{else}}empty{{/each}}", #"{"none":[]}"#) == "empty")
    }

    @Test func missingAttributeIsAnError() {
        #expect(
            throws: TemplateRenderer.Failure(kind: .missingAttribute, message: "Attribute 'name' is not present in the rendering data.")
        ) {
            try render("Hi {{name}}", "{}")
        }
        #expect(throws: TemplateRenderer.Failure.self) { try render("{{#if x}}open", "{}") }
        #expect(throws: TemplateRenderer.Failure.self) { try TemplateRenderer.parseData("[1,2]") }
    }
}
