"""The TLS probe family: certificate, protocol, cipher and posture facts from one sslyze scan."""
