import CometCLI

await CometMain.run()
