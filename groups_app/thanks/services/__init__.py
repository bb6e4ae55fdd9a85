"""The rules of thanks: whom she may thank, writing, the mentor's answer, moderation, reading."""
