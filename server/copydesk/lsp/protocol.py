"""JSON-RPC edge cases pygls 2.1 leaves to the server.

- A request whose params do not parse (a negative position, a missing
  field) gets an InvalidParams error response; pygls only logs it, so the
  client would wait for an answer forever.
- A request after ``shutdown`` gets an InvalidRequest error, as the spec
  says; pygls drops it silently (the client again waits forever).
- Notifications that fail either way are logged and ignored.
"""
from __future__ import annotations

import logging
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest

log = logging.getLogger(__name__)

EXIT = "exit"


class _Unparsable:
    """Stands for a message whose params did not deserialize (answered already)."""

    jsonrpc = "2.0"


class CopydeskProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            method, msg_id = data.get("method"), data.get("id")
            if method is not None and msg_id is not None and not isinstance(msg_id, bool):
                reply = error if isinstance(error, JsonRpcInvalidParams) else JsonRpcInvalidParams()
                self._send_response(msg_id, None, reply.to_response_error())
            log.warning("ignoring a %s message whose params do not parse", method or "response")
            return _Unparsable()

    def handle_message(self, message):
        if isinstance(message, _Unparsable):
            return
        if self._shutdown and isinstance(message, RPCRequest) and message.method != EXIT:
            self._send_response(message.id, None, JsonRpcInvalidRequest.of(
                f"the server is shutting down: {message.method} refused").to_response_error())
            return
        super().handle_message(message)
