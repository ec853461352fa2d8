# OnionShare, which shares files and web sites as onion services, in tor
# mode. OnionShare starts a tor of its own; inside the sandbox that tor
# reaches the Tor network through the TransPort (Tor over Tor: slower, but
# nothing leaves outside Tor). torgate does not open Tor's ControlPort, so
# OnionShare cannot use the host's tor instead.
# Every key has its default value.
[profile]
mode = tor
