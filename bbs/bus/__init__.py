"""Live events between processes and hosts: one transport interface, two transports.

`transport.Transport` is the interface; `relay` is the embedded default for the workers
of one host (a broker on a unix socket, run by the supervisor), `nats` is for more than
one host. `host.BusHost` is one process's place on the bus: it hands the local bus's
events to the transport, delivers what arrives, keeps who's online across hosts with
heartbeats, and tells screens to load again when events may have been lost.
"""
