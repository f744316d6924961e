"""moto_server plus one AWS KMS rule that moto 5.x records but does not enforce.

AWS KMS refuses Encrypt and Decrypt under a key that is not enabled: DisabledException for a disabled key,
KMSInvalidStateException for any other state (pending deletion, pending import). moto's DisableKey and
ScheduleKeyDeletion change the key's state, but its Encrypt and Decrypt ignore it. This launcher adds the check in
front of moto's own Encrypt and Decrypt, answering with the same error codes AWS does; everything else is moto as is.
Usage: python3 moto_kms_enforcing_key_state.py -H 127.0.0.1 -p PORT
"""
from moto.core.exceptions import JsonRESTError
from moto.kms.models import KmsBackend
from moto.server import main


def _require_enabled(backend, key_id):
    key = backend.keys[backend.any_id_to_key_id(key_id)]
    if key.key_state == "Disabled":
        raise JsonRESTError("DisabledException", f"{key.arn} is disabled.")
    if key.key_state != "Enabled":
        raise JsonRESTError("KMSInvalidStateException", f"{key.arn} is {key.key_state}.")


_moto_encrypt = KmsBackend.encrypt
_moto_decrypt = KmsBackend.decrypt


def _encrypt(self, key_id, plaintext, encryption_context):
    _require_enabled(self, key_id)
    return _moto_encrypt(self, key_id, plaintext, encryption_context)


def _decrypt(self, ciphertext_blob, encryption_context, key_id=None):
    plaintext, arn = _moto_decrypt(self, ciphertext_blob, encryption_context, key_id)
    _require_enabled(self, arn)
    return plaintext, arn


KmsBackend.encrypt = _encrypt
KmsBackend.decrypt = _decrypt

if __name__ == "__main__":
    main()
