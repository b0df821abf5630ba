print("comet")
