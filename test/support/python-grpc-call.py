"""Calls one unary gRPC method with raw protobuf bytes using Python's grpcio.

Usage: python3 python-grpc-call.py HOST:PORT /pkg.Service/Method REQUEST_HEX
Prints the response as hex, or `ERROR <code> <details>`.
"""
import sys

import grpc

target, method, request_hex = sys.argv[1], sys.argv[2], sys.argv[3]
with grpc.insecure_channel(target) as channel:
    call = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
    try:
        print(call(bytes.fromhex(request_hex), timeout=10).hex())
    except grpc.RpcError as e:
        print("ERROR", e.code().name, e.details())
