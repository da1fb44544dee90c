import pytest
from django.utils import translation

from reform.phones import PhoneError, is_valid_phone, normalise_phone

VALID = [
    # Mobile numbers: 11 digits starting with 1, however grouped.
    ("13905181234", "13905181234"),
    ("139 0518 1234", "13905181234"),
    ("139-0518-1234", "13905181234"),
    ("(139)05181234", "13905181234"),
    ("+86 139 0518 1234", "13905181234"),
    ("+8613905181234", "13905181234"),
    ("0086-13905181234", "13905181234"),
    ("(+86)13905181234", "13905181234"),
    ("8613905181234", "13905181234"),  # +86 lost in a number cell
    ("１３９０５１８１２３４", "13905181234"),  # full-width digits
    ("\u200b13905181234\ufeff", "13905181234"),  # pasted with invisible characters
    ("19912345678", "19912345678"),
    # Landlines: 0 + 3 digits (every area but 010 and 02x), then 7 or 8 digits.
    ("0518-85801234", "0518-85801234"),
    ("051885801234", "0518-85801234"),
    ("0518 8580 1234", "0518-85801234"),
    ("(0518)85801234", "0518-85801234"),
    ("（0518）85801234", "0518-85801234"),
    ("０５１８－８５８０１２３４", "0518-85801234"),
    ("0518—85801234", "0518-85801234"),  # an em dash
    ("0518.8580.1234", "0518-85801234"),
    ("0518-8580123", "0518-8580123"),  # 7-digit local number
    ("05188580123", "0518-8580123"),
    ("+86 518 85801234", "0518-85801234"),  # the international form drops the 0
    ("+86 (0)518 85801234", "0518-85801234"),
    # 010 and 02x: 0 + 2 digits.
    ("010-62345678", "010-62345678"),
    ("01062345678", "010-62345678"),
    ("021 6234 5678", "021-62345678"),
    ("025-8358123", "025-8358123"),
    # Extensions: after a dash, a space group, 转, 分机 or ext.
    ("0518-85801234-806", "0518-85801234-806"),
    ("0518 8580 1234 转 806", "0518-85801234-806"),
    ("0518-85801234转806", "0518-85801234-806"),
    ("0518-85801234 分机 806", "0518-85801234-806"),
    ("0518-85801234分机号806", "0518-85801234-806"),
    ("0518-85801234 ext. 806", "0518-85801234-806"),
    ("0518-85801234 EXT 806", "0518-85801234-806"),
    ("0518 85801234 806", "0518-85801234-806"),
    ("0518-8580123-806", "0518-8580123-806"),
    ("021-62345678-123456", "021-62345678-123456"),
    ("0518-85801234 转 8", "0518-85801234-8"),
    # Blank is no phone, not an error.
    ("", ""),
    ("   ", ""),
    (None, ""),
]


@pytest.mark.parametrize(("typed", "stored"), VALID)
def test_it_stores_each_way_of_writing_a_phone_in_one_form(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("stored", sorted({stored for _typed, stored in VALID if stored}))
def test_the_stored_form_reads_back_as_itself(stored):
    assert normalise_phone(stored) == stored


INVALID = [
    # Letters, said as such and named.
    ("1390518123A", "letters", "A"),
    ("Tel: 13905181234", "letters", "Tel"),
    ("电话13905181234", "letters", "电话"),
    ("0518-8580abcd", "letters", "abcd"),
    ("无", "letters", "无"),
    ("O518-85801234", "letters", "O"),  # the letter O for a zero
    ("0518-85801234 x806", "letters", "x"),
    # Other characters.
    ("0518#85801234", "characters", "#"),
    ("139*0518*1234", "characters", "*"),
    ("0518-85801234/806", "characters", "/"),
    ("139+05181234", "characters", "+"),
    # Two numbers in one.
    ("0518-85801234、13905181234", "several", ""),
    ("13905181234/13905181235", "several", ""),
    ("13905181234，13905181235", "several", ""),
    ("13905181234 或 0518-85801234", "several", ""),
    # A landline whose area code lost its 0, typed as text.
    ("51885801234", "lost_zero", "0518-85801234"),
    ("518-85801234", "lost_zero", "0518-85801234"),
    ("(518)85801234", "lost_zero", "0518-85801234"),
    ("518-85801234-806", "lost_zero", "0518-85801234-806"),
    ("1062345678", "lost_zero", "010-62345678"),
    ("2162345678", "lost_zero", "021-62345678"),
    # A local number alone.
    ("85801234", "no_area_code", "0518-85801234"),
    ("8580-123", "no_area_code", "0518-8580123"),
    # A mobile number has no extension.
    ("13905181234 转 806", "mobile_extension", ""),
    ("13905181234-806", "mobile_extension", ""),
    ("139 0518 1234 806", "mobile_extension", ""),
    # The extension cannot be told from the number.
    ("051885801234806", "extension_unclear", ""),
    ("0518-85801234806", "extension_unclear", ""),
    # Not mainland China.
    ("+1 212 555 1234", "foreign", ""),
    ("00852 2345 6789", "foreign", ""),
    # Too short, too long, or no such number.
    ("12345", "invalid", ""),
    ("1390518123", "invalid", ""),  # 10 digits
    ("139051812345", "invalid", ""),  # 12 digits
    ("0518-123456", "invalid", ""),  # 6-digit local number
    ("0518-05801234", "invalid", ""),  # a local number never starts with 0
    ("0518-15801234", "invalid", ""),  # nor with 1
    ("0518-85801234-1234567", "invalid", ""),  # extension of 7 digits
    ("0518-85801234 转", "invalid", ""),  # 转 and nothing after it
    ("00-12345678", "foreign", ""),  # 00: the international prefix
    ("013-62345678", "invalid", ""),  # 010 is the only area code starting 01
    ("0", "invalid", ""),
    ("-", "invalid", ""),
    ("()", "invalid", ""),
]


@pytest.mark.parametrize(("typed", "code", "detail"), INVALID)
def test_it_says_what_is_wrong(typed, code, detail):
    with translation.override("en"):
        with pytest.raises(PhoneError) as error:
            normalise_phone(typed)
        assert error.value.code == code
        assert detail in str(error.value)
    assert not is_valid_phone(typed)


def test_a_number_from_a_number_cell_that_lost_its_zero_says_excel_did_it_and_how_to_fix_it():
    with pytest.raises(PhoneError) as error:
        normalise_phone("51885801234", from_number=True)
    with translation.override("en"):
        message = str(error.value)
    assert error.value.code == "lost_zero_number"
    assert "Excel stored this phone number as a number" in message
    assert "51885801234" in message and "0518-85801234" in message
    assert "Format the phone column as text" in message


def test_a_typed_number_without_its_zero_says_to_write_the_zero_and_format_the_column():
    with pytest.raises(PhoneError) as error:
        normalise_phone("518-85801234")
    with translation.override("en"):
        message = str(error.value)
    assert "lost its leading 0" in message and "0518-85801234" in message
    assert "format the phone column as text" in message


@pytest.mark.parametrize("number", ["13905181234", "8613905181234", "85801234"])
def test_a_number_cell_without_a_lost_zero_is_judged_like_text(number):
    """Only a landline can lose a 0: a mobile number in a number cell is fine, and a local
    number alone is missing its whole area code, not a 0."""
    try:
        stored = normalise_phone(number, from_number=True)
    except PhoneError as error:
        assert error.code == "no_area_code"
    else:
        assert stored == "13905181234"


def test_the_message_is_rendered_in_the_language_active_when_it_is_read():
    with pytest.raises(PhoneError) as error:
        normalise_phone("51885801234", from_number=True)
    with translation.override("en"):
        assert "Excel" in str(error.value)
    with translation.override("zh-hans"):
        assert "文本" in str(error.value)
    assert error.value.params == {"number": "51885801234", "suggestion": "0518-85801234"}
