#!/usr/bin/env python3
"""Writes corpus.txt: fake but realistic columns, each labelled with the PII kind the classifier should report at
OpenMetadata's default confidence 80, or '-' for none. Seeded, so the file is reproducible:
    python3 generate_corpus.py > corpus.txt
Format: '@ name<TAB>type<TAB>KIND|-' then one value per line ('\\N' null, '\\E' empty), a blank line ends a column.
Every value below is invented; checksums are computed here independently of the Java validators."""
import random, string, uuid, hashlib, datetime

R = random.Random(20261207)
N = 40

# Given names and surnames: about a third are NOT in the classifier's built-in lists, on purpose.
GIVEN = ["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "Emma", "Oliver", "Sophie",
         "Lukas", "Leonie", "Camille", "Julien", "Lucía", "Pablo", "Giulia", "Matteo", "Sanne", "Daan", "Priya",
         "Arjun", "Wei", "Fatima", "Omar", "Ingrid", "Magnus",
         "Xiomara", "Thandiwe", "Oluwaseun", "Siobhan", "Bartholomew", "Leocadia", "Ekaterina", "Tadeusz", "Aoife",
         "Kofi", "Ngozi", "Ximena", "Dagny", "Eilidh", "Rhiannon", "Zbigniew"]
SURN = ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Müller", "Schmidt", "Dubois", "Rossi", "de Vries",
        "van den Berg", "Patel", "Sharma", "Wang", "Nguyen", "Kowalski", "O'Brien", "Fischer", "Moreau", "Jansen",
        "Okonkwo", "Featherstonehaugh", "Abernathy", "Szczepański", "Vandersloot", "Quispe", "Achterberg",
        "Llewellyn", "Thistlewood", "Oyelaran", "Castellanos-Ruiz", "Mbeki", "Haraldsen"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example.co.uk", "example.de", "uni-example.edu"]
WORDS = ("the quick delivery arrived on time and the packaging was intact customer asked about warranty terms "
         "product works as described battery life could be better shipment delayed due to weather please "
         "restock the blue variant invoice attached for the last quarter meeting moved to thursday afternoon "
         "dashboard shows wrong totals after the release rollback scheduled for tonight").split()


def given(): return R.choice(GIVEN)
def surname(): return R.choice(SURN)
def full(): return f"{given()} {surname()}"


def email():
    g = R.choice(GIVEN).lower().replace("í", "i").replace("ü", "u")
    s = R.choice(["smith", "lee", "garcia", "nguyen", "mueller", "okafor", "x", "dev"])
    sep = R.choice([".", "_", "", "-"])
    return f"{g}{sep}{s}{R.choice(['', str(R.randint(1, 99))])}@{R.choice(DOMAINS)}"


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def card(kind=None):
    kind = kind or R.choice(["visa", "mc", "mc2", "amex", "disc", "jcb"])
    prefix, length = {"visa": ("4", 16), "mc": (str(R.randint(51, 55)), 16), "mc2": (str(R.randint(2221, 2720)), 16),
                      "amex": (R.choice(["34", "37"]), 15), "disc": ("6011", 16), "jcb": (str(R.randint(3528, 3589)), 16)}[kind]
    body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_digit(body)


def grouped_card():
    c = card()
    if len(c) == 15:
        return f"{c[:4]} {c[4:10]} {c[10:]}"
    sep = R.choice([" ", "-"])
    return sep.join(c[i:i + 4] for i in range(0, 16, 4))


IBAN_BBAN = {"DE": (lambda: dig(18)), "GB": (lambda: "NWBK" + dig(14)), "FR": (lambda: dig(23)),
             "NL": (lambda: R.choice(["ABNA", "INGB", "RABO"]) + dig(10)), "ES": (lambda: dig(20)),
             "IT": (lambda: R.choice(string.ascii_uppercase) + dig(22)), "BE": (lambda: dig(12)),
             "CH": (lambda: dig(17))}


def dig(n): return "".join(R.choice(string.digits) for _ in range(n))


def iban(spaced=False):
    cc = R.choice(list(IBAN_BBAN))
    bban = IBAN_BBAN[cc]()
    num = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    check = 98 - int(num) % 97
    s = f"{cc}{check:02d}{bban}"
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4)) if spaced else s


def ssn(dashed=True):
    while True:
        area = R.randint(1, 899)
        if area != 666:
            break
    s = f"{area:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"
    return s if dashed else s.replace("-", "")


def nino():
    first = R.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = R.choice("ABCEGHJKLMNPRSTWXYZ")
    if first + second in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
        return nino()
    d = dig(6)
    return R.choice([f"{first}{second}{d}{R.choice('ABCD')}", f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {R.choice('ABCD')}"])


def de_tax_id():
    while True:
        digits = list(range(10))
        R.shuffle(digits)
        ten = digits[:9]
        rep = R.choice(ten)
        ten.insert(R.randint(0, 9), rep)
        if ten[0] == 0:
            continue
        product = 10
        for d in ten:
            s = (d + product) % 10
            s = 10 if s == 0 else s
            product = (s * 2) % 11
        check = 11 - product
        check = 0 if check == 10 else check
        return "".join(map(str, ten)) + str(check)


def bsn():
    while True:
        d = [R.randint(0, 9) for _ in range(8)]
        s = sum((9 - i) * d[i] for i in range(8))
        last = s % 11
        if last <= 9 and d[0] != 0:
            return "".join(map(str, d)) + str(last)


def nir(spaced=False):
    sex = R.choice("12")
    yy = f"{R.randint(40, 99):02d}"
    mm = f"{R.randint(1, 12):02d}"
    dep = f"{R.randint(1, 95):02d}"
    body = sex + yy + mm + dep + dig(3) + dig(3)
    key = 97 - int(body) % 97
    s = f"{body}{key:02d}"
    return f"{s[0]} {s[1:3]} {s[3:5]} {s[5:7]} {s[7:10]} {s[10:13]} {s[13:]}" if spaced else s


def phone_e164(): return "+" + R.choice(["1", "44", "49", "33", "31"]) + dig(R.choice([9, 10]))
def phone_us(): return R.choice(["({a}) {e}-{n}", "{a}-{e}-{n}", "{a}.{e}.{n}", "+1 {a} {e} {n}"]).format(
    a=str(R.randint(2, 9)) + dig(2), e=str(R.randint(2, 9)) + dig(2), n=dig(4))
def phone_uk(): return R.choice(["020 7946 " + dig(4), "07700 9" + dig(5), "0161 496 " + dig(4), "+44 7700 9" + dig(5)])
def phone_de(): return R.choice(["030 " + dig(8), "0151 " + dig(8), "089/" + dig(7), "+49 30 " + dig(8)])
def phone_fr(): return "0" + str(R.randint(1, 7)) + " " + " ".join(dig(2) for _ in range(4))


def ipv4(): return ".".join(str(R.randint(1, 254)) for _ in range(4))
def ipv6(): return ":".join(f"{R.randint(0, 65535):x}" for _ in range(8)) if R.random() < .5 else f"2001:db8::{R.randint(1, 65535):x}"


def birth(fmt="%Y-%m-%d"):
    d = datetime.date(1935, 1, 1) + datetime.timedelta(days=R.randint(0, 365 * 72))
    return d.strftime(fmt)


def ts():
    d = datetime.datetime(2024, 1, 1) + datetime.timedelta(seconds=R.randint(0, 3600 * 24 * 700))
    return d.isoformat(sep=R.choice(["T", " "])) + R.choice(["", "Z", "+00:00", ".123456"])


def sentence(): return " ".join(R.choice(WORDS) for _ in range(R.randint(5, 16))).capitalize() + "."


def with_nulls(values, share=0.1):
    return [R.choice(["\\N", "\\E", "n/a"]) if R.random() < share else v for v in values]


columns = []


def col(name, typ, kind, gen, n=N, nulls=0.1):
    columns.append((name, typ, kind, with_nulls([gen() for _ in range(n)], nulls)))


# ---------------------------------------------------------------- positives
col("email", "text", "EMAIL_ADDRESS", email)
col("EmailAddress", "character varying(120)", "EMAIL_ADDRESS", email)
col("user email", "text", "EMAIL_ADDRESS", email)
col("customerEmail", "citext", "EMAIL_ADDRESS", lambda: email().upper() if R.random() < .3 else email())
col("e_mail", "varchar", "EMAIL_ADDRESS", email)
col("contact", "text", "EMAIL_ADDRESS", email)
col("recipient", "text", "EMAIL_ADDRESS", lambda: f"{full()} <{email()}>")
col("useremail", "text", "EMAIL_ADDRESS", email, n=8)
col("phone", "text", "PHONE_NUMBER", phone_e164)
col("mobile", "text", "PHONE_NUMBER", phone_uk)
col("telephone", "character varying(32)", "PHONE_NUMBER", phone_us)
col("phone_num", "bigint", "PHONE_NUMBER", lambda: str(R.randint(2, 9)) + dig(9))
col("Tel", "text", "PHONE_NUMBER", phone_de)
col("numero_tel", "text", "PHONE_NUMBER", phone_fr)
col("cust_contact", "text", "PHONE_NUMBER", lambda: R.choice([phone_e164, phone_us])())
col("HomePhone", "text", "PHONE_NUMBER", lambda: dig(3) + " " + dig(4))
col("credit_card_number", "text", "CREDIT_CARD", card)
col("cc_num", "bigint", "CREDIT_CARD", lambda: card(R.choice(["visa", "mc"])))
col("card", "text", "CREDIT_CARD", grouped_card)
col("payment_ref", "text", "CREDIT_CARD", grouped_card)
col("iban", "text", "IBAN_CODE", lambda: iban(spaced=True))
col("account_iban", "character varying(34)", "IBAN_CODE", iban)
col("bank_ref", "text", "IBAN_CODE", iban)
col("ssn", "text", "US_SSN", ssn)
col("SocialSecurityNumber", "character(9)", "US_SSN", lambda: ssn(dashed=False))
col("tax_ident", "text", "US_SSN", ssn)
col("ni_number", "text", "UK_NINO", nino)
col("employee_ref", "text", "UK_NINO", nino)
col("steuer_id", "text", "DE_TAX_ID", de_tax_id)
col("tax_id", "character varying(11)", "DE_TAX_ID", de_tax_id)
col("bsn", "text", "NL_BSN", bsn)
col("burgerservicenummer", "integer", "NL_BSN", bsn)
col("citizen_no", "text", "NL_BSN", bsn)
col("numero_securite_sociale", "text", "FR_NIR", lambda: nir(spaced=True))
col("nir", "text", "FR_NIR", nir)
col("ip_address", "text", "IP_ADDRESS", ipv4)
col("client_ip", "text", "IP_ADDRESS", lambda: R.choice([ipv4, ipv6])())
col("source_addr", "inet", "IP_ADDRESS", ipv4)
col("remote_host", "text", "IP_ADDRESS", ipv4)
col("last_login_ip", "character varying(45)", "IP_ADDRESS", ipv6)
col("date_of_birth", "date", "BIRTH_DATE", birth)
col("dob", "text", "BIRTH_DATE", birth)
col("birthDate", "character varying(10)", "BIRTH_DATE", lambda: birth("%m/%d/%Y"))
col("born_on", "text", "BIRTH_DATE", lambda: birth("%d.%m.%Y"))
col("BirthDay", "timestamp without time zone", "BIRTH_DATE", lambda: birth("%Y-%m-%d 00:00:00"))
col("first_name", "text", "PERSON", given)
col("last_name", "character varying(80)", "PERSON", surname)
col("full_name", "text", "PERSON", full)
col("FirstName", "text", "PERSON", given)
col("surname", "text", "PERSON", lambda: surname().upper())
col("customer_name", "text", "PERSON", full)
col("name", "text", "PERSON", full)
col("assignee", "text", "PERSON", lambda: f"{R.choice(GIVEN[:28])} {R.choice(SURN[:20])}")
col("owner", "text", "PERSON", full)
col("cardholder_name", "text", "PERSON", lambda: full().upper())
col("address", "text", "LOCATION", lambda: f"{R.randint(1, 999)} {R.choice(['Main', 'Oak', 'Elm', 'High'])} Street")
col("street_address", "text", "LOCATION", lambda: f"{R.choice(['Hauptstraße', 'Rue de la Paix', 'Kalverstraat'])} {R.randint(1, 200)}")
col("city", "text", "LOCATION", lambda: R.choice(["Berlin", "Paris", "Leeds", "Austin", "Utrecht", "Lyon"]))
col("zip_code", "character(5)", "LOCATION", lambda: dig(5))
col("postal_code", "text", "LOCATION", lambda: R.choice(["SW1A 1AA", "10115", "75001", "1012 AB"]))
col("country", "text", "LOCATION", lambda: R.choice(["DE", "FR", "GB", "US", "NL"]))
col("billingAddress", "text", "LOCATION", lambda: f"{R.randint(1, 99)} {R.choice(['Baker', 'King'])} Road, London")
col("zip", "integer", "LOCATION", lambda: str(R.randint(10000, 99999)))
col("gender", "text", "NRP", lambda: R.choice(["female", "male", "diverse", "unknown"]))
col("nationality", "text", "NRP", lambda: R.choice(["German", "French", "Dutch", "British"]))
col("sex", "character(1)", "NRP", lambda: R.choice("MF"))
col("passport_number", "text", "PASSPORT", lambda: R.choice(string.ascii_uppercase) + dig(8))
col("drivers_license", "text", "DRIVER_LICENSE", lambda: R.choice(string.ascii_uppercase) + dig(7))
col("bank_account_number", "text", "US_BANK_NUMBER", lambda: dig(R.randint(8, 12)))
col("password_hash", "text", "PASSWORD", lambda: "$2b$12$" + "".join(R.choice(string.ascii_letters + string.digits + "./") for _ in range(53)))
col("national_id", "text", "NATIONAL_ID", lambda: R.choice(string.ascii_uppercase) + dig(7) + R.choice(string.ascii_uppercase))

# ---------------------------------------------------------------- negatives
col("id", "bigint", "-", lambda: str(R.randint(1, 10 ** 6)))
col("customer_id", "bigint", "-", lambda: str(R.randint(10 ** 8, 10 ** 12)))
col("order_id", "uuid", "-", lambda: str(uuid.UUID(int=R.getrandbits(128), version=4)))
col("request_id", "text", "-", lambda: str(uuid.UUID(int=R.getrandbits(128), version=4)))
col("md5", "text", "-", lambda: hashlib.md5(dig(10).encode()).hexdigest())
col("checksum", "character(40)", "-", lambda: hashlib.sha1(dig(10).encode()).hexdigest())
col("content_sha256", "text", "-", lambda: hashlib.sha256(dig(10).encode()).hexdigest())
col("fingerprint", "text", "-", lambda: hashlib.sha256(dig(10).encode()).hexdigest().upper())
col("order_number", "text", "-", lambda: f"ORD-2024-{R.randint(1, 999999):06d}")
col("serial_number", "text", "-", lambda: f"SN-{R.choice('ABCDEF')}{dig(3)}-{dig(4)}-{R.choice('XYZ')}")
col("invoice_no", "text", "-", lambda: f"INV/2024/{dig(5)}")
col("tracking_number", "text", "-", lambda: "1Z" + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(16)))
col("sku", "text", "-", lambda: f"{R.choice(['TSH', 'MUG', 'CAP'])}-{dig(4)}-{R.choice(['S', 'M', 'L'])}")
col("created_at", "text", "-", ts)
col("updated_at", "timestamp with time zone", "-", ts)
col("event_date", "date", "-", lambda: birth())
col("ship_date", "text", "-", lambda: birth("%d/%m/%Y"))
col("amount", "numeric(12,2)", "-", lambda: f"{R.uniform(1, 5000):.2f}")
col("price", "text", "-", lambda: f"{R.uniform(1, 500):.2f}")
col("quantity", "integer", "-", lambda: str(R.randint(1, 50)))
col("balance_cents", "bigint", "-", lambda: str(R.randint(0, 10 ** 9)))
col("description", "text", "-", sentence)
col("comment", "text", "-", sentence)
col("notes", "text", "-", lambda: R.choice([sentence(), sentence(), sentence(), sentence(), sentence(), sentence(),
                                            sentence(), sentence(), sentence(), sentence(), sentence(), sentence(),
                                            email(), phone_us()]))
col("status", "text", "-", lambda: R.choice(["pending", "shipped", "delivered", "cancelled"]))
col("product_name", "text", "-", lambda: R.choice(["Wireless Mouse", "Blue Denim Jacket", "Steel Water Bottle", "Jordan Sneakers", "Grace Hopper Biography"]))
col("company_name", "text", "-", lambda: R.choice(["Acme Corp", "Initech GmbH", "Globex SA", "Umbrella BV"]))
col("hostname", "text", "-", lambda: f"web-{R.randint(1, 40):02d}.prod.example.internal")
col("url", "text", "-", lambda: f"https://shop.example.com/p/{dig(6)}")
col("zipped", "text", "-", lambda: R.choice(["yes", "no"]))
col("shipping_id", "integer", "-", lambda: str(R.randint(1, 99999)))
col("tip_amount", "numeric(8,2)", "-", lambda: f"{R.uniform(0, 30):.2f}")
col("app_version", "text", "-", lambda: f"{R.randint(1, 12)}.{R.randint(0, 20)}.{R.randint(0, 9)}.{R.randint(1, 200)}")
col("build_number", "integer", "-", lambda: str(R.randint(1000, 99999)))
col("email_count", "integer", "-", lambda: str(R.randint(0, 40)))
col("email_verified", "boolean", "-", lambda: R.choice(["true", "false"]))
col("address_id", "bigint", "-", lambda: str(R.randint(1, 10 ** 6)))
col("phone_type", "text", "-", lambda: R.choice(["mobile", "home", "work"]))
col("card_type", "text", "-", lambda: R.choice(["visa", "mastercard", "amex"]))
col("external_ref", "text", "-", lambda: str(R.randint(4 * 10 ** 15, 5 * 10 ** 15 - 1)))
col("batch_code", "text", "-", lambda: dig(9))
col("reference_code", "text", "-", lambda: dig(11))
col("long_code", "bigint", "-", lambda: str(R.randint(10 ** 14, 10 ** 15 - 1)))
col("payload", "jsonb", "-", lambda: '{"email": "%s"}' % email())
col("mac_address", "macaddr", "-", lambda: ":".join(f"{R.randint(0, 255):02x}" for _ in range(6)))
col("device_mac_address", "text", "-", lambda: ":".join(f"{R.randint(0, 255):02x}" for _ in range(6)))
col("timezone", "text", "-", lambda: R.choice(["Europe/Berlin", "America/New_York", "UTC"]))
col("isbn", "text", "-", lambda: "978" + dig(10))
col("ean", "bigint", "-", lambda: "40" + dig(11))
col("latitude", "double precision", "-", lambda: f"{R.uniform(-90, 90):.6f}")
col("error_message", "text", "-", lambda: R.choice(["connection reset by peer", "timeout after 30000 ms", "invalid token", "HTTP 502 Bad Gateway"]))
col("user_agent", "text", "-", lambda: f"Mozilla/5.0 (X11; Linux x86_64) Firefox/{R.randint(100, 130)}.0")
col("color", "text", "-", lambda: "#" + "".join(R.choice("0123456789abcdef") for _ in range(6)))
col("api_token", "text", "-", lambda: "".join(R.choice(string.ascii_letters + string.digits) for _ in range(32)))
col("ticket", "text", "-", lambda: f"TCK-2024{R.randint(1, 12):02d}{R.randint(1, 28):02d}-{dig(4)}")
col("duration", "interval", "-", lambda: f"{R.randint(0, 5)}:{R.randint(0, 59):02d}:00")
col("percent", "text", "-", lambda: f"{R.uniform(0, 100):.1f}%")
col("category", "text", "-", lambda: R.choice(["Books", "Garden", "Kitchen", "Toys", "Outdoor"]))
col("title", "text", "-", lambda: R.choice(["Quarterly Report", "Release Notes", "Team Offsite", "Budget Review"]))
col("version_tag", "text", "-", lambda: f"v{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 9)}")
col("ratio", "real", "-", lambda: f"{R.random():.4f}")
col("sequence_no", "integer", "-", lambda: str(R.randint(1, 10 ** 7)))
col("port", "integer", "-", lambda: str(R.randint(1024, 65535)))
col("local_ts", "text", "-", lambda: birth("%Y%m%d"))
col("file_name", "text", "-", lambda: f"report_{dig(4)}.pdf")
col("email_domain", "text", "-", lambda: R.choice(DOMAINS))
col("mail_server", "text", "-", lambda: f"smtp{R.randint(1, 9)}.example.com")
col("contact_email_hash", "text", "-", lambda: hashlib.md5(email().encode()).hexdigest())
col("customer_email", "text", "-", lambda: hashlib.sha256(email().encode()).hexdigest())
col("phone", "text", "-", lambda: "***-***-" + dig(4))
col("subnet", "text", "-", lambda: f"10.{R.randint(0, 255)}.0.0/16")

print("# PII corpus: generated by generate_corpus.py (seeded); every value is invented.")
for name, typ, kind, values in columns:
    print(f"@ {name}\t{typ}\t{kind}")
    for v in values:
        print(v)
    print()
