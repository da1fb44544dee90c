import pytest
from django.utils import translation

from reform.creditcode import CreditCodeError, make_credit_code, validate_credit_code

# Published on the enterprises' own licences (national enterprise credit information system).
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_accepts_real_codes(code):
    assert validate_credit_code(code) == code


def test_it_normalises_spaces_lower_case_and_full_width():
    assert validate_credit_code(" 91440300 708461136t ") == "91440300708461136T"
    assert validate_credit_code("９１１１０１０８５５１３８５０８２Ｑ") == "91110108551385082Q"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "empty"),
        ("91440300708461136", "18 characters; this one has 17"),
        ("91440300708461136TX", "this one has 19"),
        ("91440300708461I36T", "cannot contain I"),
        ("9144O300708461136T", "cannot contain O"),
        ("91AB0300708461136T", "6-digit region code"),
        ("91440300708461136A", "should be T, not A"),
        ("91440300708461163T", "check character"),  # two digits swapped
    ],
)
def test_it_says_what_is_wrong(code, fragment):
    with translation.override("en"), pytest.raises(CreditCodeError) as error:
        validate_credit_code(code)
    assert fragment in str(error.value)


def test_it_speaks_chinese_by_default():
    with pytest.raises(CreditCodeError) as error:
        validate_credit_code("91440300708461136A")
    assert "校验码" in str(error.value)


def test_made_codes_pass_their_own_check():
    code = make_credit_code("91320722MA1XY20AB")
    assert code.startswith("91320722MA1XY20AB") and len(code) == 18
    assert validate_credit_code(code) == code
