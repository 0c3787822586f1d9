from mockroom.core.tokens import hash_token, new_public_id, new_token, token_matches


def test_tokens_carry_at_least_128_bits():
    # token_urlsafe encodes 6 bits per character.
    assert len(new_token()) * 6 >= 128


def test_tokens_are_unique():
    assert len({new_token() for _ in range(1000)}) == 1000


def test_hash_is_not_the_token_and_matches_only_it():
    token = new_token()
    stored = hash_token(token)
    assert token not in stored
    assert token_matches(token, stored)
    assert not token_matches(new_token(), stored)


def test_public_ids_are_128_bit_hex():
    public_id = new_public_id()
    assert len(public_id) == 32
    int(public_id, 16)
