import Gateway
import GatewayServer
import RouterCore
import SwitchyardCore
import Testing

@Suite struct GatewayConfigFileTests {
    @Test func tailSlackIsAFractionOrOffAndNamesTheFileWhenWrong() throws {
        let backend = "\n[[backend]]\nurl = \"http://10.0.0.5:8000\"\n"
        #expect(try GatewayConfigFile.parse(backend, file: "gw.toml").tailSlack == 0.25)
        #expect(try GatewayConfigFile.parse("tail_slack = 0.5" + backend, file: "gw.toml").tailSlack == 0.5)
        #expect(try GatewayConfigFile.parse("tail_slack = 1" + backend, file: "gw.toml").tailSlack == 1)
        #expect(try GatewayConfigFile.parse("tail_slack = \"off\"" + backend, file: "gw.toml").tailSlack == nil)
        for bad in ["tail_slack = -1", "tail_slack = \"loose\"", "tail_slack = true"] {
            #expect {
                _ = try GatewayConfigFile.parse(bad + backend, file: "gw.toml")
            } throws: { error in
                "\(error)" == "gw.toml: tail_slack must be a number of at least 0, or \"off\"."
            }
        }
    }

    @Test func readsEveryField() throws {
        let config = try GatewayConfigFile.parse(
            """
            listen = "0.0.0.0:9000"
            policy = "least-requests"
            admin_token = "t"
            max_body_bytes = 65536
            burst_max_context = 2048

            [timeouts]
            connect = 1
            first_byte = 20.5
            idle = 10
            request = 300

            [scrape]
            interval = 0.5
            health_interval = 2
            staleness = 3

            [[backend]]
            url = "http://10.0.0.5:8000"
            name = "gpu-a"
            engine = "vllm"

            [[backend]]
            url = "http://10.0.0.6:30000/v1"
            """,
            file: "gw.toml"
        )
        #expect(config.host == "0.0.0.0")
        #expect(config.port == 9000)
        #expect(config.policy == "least-requests")
        #expect(config.adminToken == "t")
        #expect(config.maxBodyBytes == 65536)
        #expect(config.burstMaxContext == 2048)
        #expect(config.firstByteTimeout == 20.5)
        #expect(config.scrapeInterval == 0.5)
        #expect(config.stalenessBound == 3)
        #expect(config.backends.map(\.name) == ["gpu-a", "10.0.0.6:30000"])
        #expect(config.backends[0].kind == .vllm)
        #expect(config.backends[1].url == "http://10.0.0.6:30000")
        try config.validate()
    }

    @Test(arguments: [
        ("listen = 8080", "'listen' must be a string"),
        ("polcy = \"x\"", "unknown key 'polcy'"),
        ("[timeouts]\nconect = 1", "unknown key 'timeouts.conect'"),
        ("[timeouts]\nidle = \"long\"", "'timeouts.idle' must be a number"),
        ("[[backend]]\nname = \"a\"", "backend[0].url is required"),
        ("[[backend]]\nurl = \"ftp://x\"", "expected an http:// or https:// URL"),
        ("listen = \"host:99999\"", "port in 0...65535"),
        ("listen = \"a\"\nlisten = \"b\"", "gw.toml line 2"),
        (
            "[[backend]]\nurl = \"http://a:1\"\nname = \"x\"\n[[backend]]\nurl = \"http://b:1\"\nname = \"x\"",
            "backend[1]: the name 'x' is already backend[0]'s"
        ),
        ("[outlier]\nconsecutive_5xx = \"five\"", "consecutive_5xx"),
        ("[outlier]\nejection = 3", "unknown key 'outlier.ejection'"),
    ])
    func badFilesNameTheKeyOrLine(text: String, words: String) {
        #expect {
            _ = try GatewayConfigFile.parse(text, file: "gw.toml")
        } throws: { error in
            "\(error)".contains(words) && "\(error)".contains("gw.toml")
        }
    }

    @Test func validationNamesTheOption() {
        var config = GatewayConfiguration(backends: [BackendDescriptor(url: "http://h:1")])
        config.idleTimeout = 0
        #expect(throws: GatewayConfigError.self) { try config.validate() }
        config.idleTimeout = 5
        config.host = "10.1.2.3"
        #expect { try config.validate() } throws: { "\($0)".contains("bearer token") }
        config.adminToken = "x"
        #expect(throws: Never.self) { try config.validate() }
        config.backends.append(BackendDescriptor(url: "http://h:1"))
        #expect { try config.validate() } throws: { "\($0)".contains("Two backends are named 'h:1'") }
    }

    @Test func theImbalanceThresholdsAreReadAndChecked() throws {
        let config = try GatewayConfigFile.parse("[imbalance]\nqueue = 3\nkv = 0.5\n", file: "gw.toml")
        #expect(config.imbalance == ImbalanceThreshold(queue: 3, kvUsage: 0.5))
        #expect { try GatewayConfigFile.parse("[imbalance]\nkv = 2\n", file: "gw.toml") } throws: {
            "\($0)".contains("gw.toml: imbalance.kv must be in (0, 1], got 2.0")
        }
    }
}
