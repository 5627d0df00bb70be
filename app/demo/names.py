"""Kenyan names and banks the demo fund's people are drawn from."""

FEMALE_NAMES = tuple(
    """
    Amina Wanjiru Akinyi Njeri Achieng Wambui Nyambura Chebet Atieno Mwende Muthoni Kerubo
    Moraa Nafula Zawadi Halima Fatuma Grace Faith Mercy Joyce Esther Lucy Wanjiku Jepkosgei
    Nekesa Naliaka Wairimu Kemunto Makena Nduta Auma Rehema Saida Beatrice Caroline
    """.split()
)

MALE_NAMES = tuple(
    """
    Kamau Otieno Mwangi Kiprop Ochieng Odhiambo Mutua Njoroge Omondi Wafula Barasa Juma
    Hassan Baraka Brian Kevin Dennis Peter John David Samuel Joseph James Daniel Kiprono
    Kibet Mutuku Kariuki Onyango Wekesa Musa Abdi Francis Stephen Charles George
    """.split()
)

SURNAMES = tuple(
    """
    Kamau Otieno Mwangi Ochieng Njoroge Kiprotich Mutua Omondi Wafula Barasa Kariuki Ndungu
    Chege Onyango Owino Kimani Macharia Koech Rotich Cheruiyot Nyaga Mugo Odera Ouma Mohamed
    Abdi Wekesa Kilonzo Musyoka Maina Gitau Korir Langat Mbugua Nyamweya Okoth Simiyu
    Wanyama Kiplagat Muriuki Achola Mwiti
    """.split()
)

# bank, branch code
BANKS = (
    ("KCB Bank", "01-091"),
    ("Equity Bank", "68-020"),
    ("Co-operative Bank", "11-002"),
    ("NCBA Bank", "07-000"),
    ("Stanbic Bank", "31-011"),
    ("Absa Bank Kenya", "03-094"),
)
OTHER_SCHEMES = (
    "Employer medical scheme",
    "Spouse's employer scheme",
    "Private cover (in-patient)",
)
