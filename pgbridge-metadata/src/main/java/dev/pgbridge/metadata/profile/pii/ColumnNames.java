package dev.pgbridge.metadata.profile.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a column's name says it holds. The name is split into words at separators (anything not a letter or digit),
 * at camelCase humps ({@code customerEmail}, {@code IPAddress}) and kept whole inside a run of lower-case letters; a
 * phrase matches whole words only, alone or run together ({@code date_of_birth}, {@code DateOfBirth} and
 * {@code dateofbirth} all read {@code dateofbirth}), so {@code description} never reads {@code ip}, nor
 * {@code zipped} {@code zip}, nor {@code shipping_id} {@code ip}. A few words are also recognized at the end of a
 * run-together word ({@code useremail}, {@code homephone}). When phrases overlap, the longest wins ({@code ip_address}
 * is an IP address, not a location; {@code mac_address} is neither). A word after the phrase that makes it an
 * attribute of the thing ({@code email_verified}, {@code address_id}, {@code phone_type}, {@code email_hash}) or a
 * leading {@code is_}/{@code has_}/{@code num_} drops the hint.
 */
final class ColumnNames {
    private ColumnNames() {
    }

    /** How much the name says: STRONG tags on its own; WEAK needs the content to agree. */
    enum Strength { WEAK, STRONG }

    record Hint(PiiKind kind, int score, Strength strength) {
    }

    /** A hint for each kind the name speaks of, and whether the name forbids recognizing kinds by content alone. */
    record Hints(Map<PiiKind, Hint> byKind, boolean contentBlocked) {
        static final Hints NONE = new Hints(Map.of(), false);

        int score(PiiKind kind) {
            Hint hint = byKind.get(kind);
            return hint == null ? 0 : hint.score();
        }

        Strength strength(PiiKind kind) {
            Hint hint = byKind.get(kind);
            return hint == null ? null : hint.strength();
        }
    }

    private record Phrase(PiiKind kind, int score, Strength strength) {
    }

    /** Phrases also recognized as the end of a longer run-together word ({@code customeremail}). */
    private static final Set<String> TAIL_PHRASES = Set.of(
            "email", "emailaddress", "phonenumber", "firstname", "lastname", "fullname", "surname", "dateofbirth",
            "birthdate", "ipaddress", "zipcode", "postalcode", "postcode", "streetaddress", "passportnumber",
            "creditcardnumber", "cardnumber", "creditcard", "homeaddress", "billingaddress", "shippingaddress",
            "mailingaddress", "homephone", "workphone", "cellphone", "mobilephone", "mobilenumber");

    private static final Map<String, Phrase> PHRASES = phrases();

    private static void strong(Map<String, Phrase> map, PiiKind kind, int score, String... phrases) {
        for (String p : phrases) {
            map.put(p, new Phrase(kind, score, Strength.STRONG));
        }
    }

    private static void weak(Map<String, Phrase> map, PiiKind kind, int score, String... phrases) {
        for (String p : phrases) {
            map.put(p, new Phrase(kind, score, Strength.WEAK));
        }
    }

    /** Phrases that are not personal data and win over the shorter phrases inside them. */
    private static void neither(Map<String, Phrase> map, String... phrases) {
        for (String p : phrases) {
            map.put(p, new Phrase(null, 0, Strength.STRONG));
        }
    }

    private static Map<String, Phrase> phrases() {
        Map<String, Phrase> map = new HashMap<>();
        strong(map, PiiKind.EMAIL_ADDRESS, 90, "email", "emails", "emailaddress", "emailaddr", "mailaddress",
                "emailadresse", "courriel", "correo", "correoelectronico");
        weak(map, PiiKind.EMAIL_ADDRESS, 55, "mail");
        strong(map, PiiKind.PHONE_NUMBER, 85, "phone", "phones", "phonenumber", "phoneno", "phonenum", "telephone",
                "telephonenumber", "telno", "telnumber", "telefon", "telefono", "telefonnummer", "mobilephone",
                "mobilenumber", "mobileno", "mobilenum", "cellphone", "cellnumber", "msisdn", "faxnumber",
                "homephone", "workphone", "officephone", "contactphone", "contactnumber", "handynummer",
                "phonenr", "telnr");
        weak(map, PiiKind.PHONE_NUMBER, 55, "mobile", "cell", "tel", "fax", "handy");
        strong(map, PiiKind.CREDIT_CARD, 90, "creditcard", "creditcardnumber", "creditcardno", "creditcardnum",
                "cardnumber", "cardno", "cardnum", "ccnum", "ccnumber", "ccno", "ccn", "debitcard",
                "debitcardnumber", "paymentcard", "paymentcardnumber");
        weak(map, PiiKind.CREDIT_CARD, 50, "card", "pan");
        strong(map, PiiKind.IBAN_CODE, 95, "iban", "ibancode", "ibannumber", "bankiban");
        strong(map, PiiKind.US_BANK_NUMBER, 85, "bankaccount", "bankaccountnumber", "bankaccountno", "accountnumber",
                "accountno", "acctnumber", "acctno", "acctnum", "bankacct", "kontonummer");
        strong(map, PiiKind.US_SSN, 95, "ssn", "ssnnumber", "socialsecurity", "socialsecuritynumber", "socialsecurityno",
                "socsec");
        strong(map, PiiKind.UK_NINO, 90, "nino", "ninumber", "nationalinsurance", "nationalinsurancenumber",
                "nationalinsuranceno");
        strong(map, PiiKind.DE_TAX_ID, 90, "steuerid", "steueridentifikationsnummer", "steuerliche");
        strong(map, PiiKind.NL_BSN, 90, "bsn", "burgerservicenummer", "sofinummer");
        strong(map, PiiKind.FR_NIR, 90, "nir", "securitesociale", "numerosecu", "numsecu", "numerosecuritesociale",
                "numerodesecuritesociale");
        strong(map, PiiKind.NATIONAL_ID, 85, "nationalid", "nationalidnumber", "nationalidentitynumber", "taxid",
                "taxidnumber", "taxidentificationnumber", "citizenid", "idcard", "idcardnumber",
                "identitycard", "identitynumber", "personalidnumber", "personnummer", "dni", "nif", "nie", "cpf",
                "aadhaar", "pesel", "codicefiscale");
        strong(map, PiiKind.PASSPORT, 90, "passport", "passportnumber", "passportno", "passportnum", "passportid",
                "reisepass");
        strong(map, PiiKind.DRIVER_LICENSE, 90, "driverlicense", "driverslicense", "driverlicence", "driverslicence",
                "drivinglicense", "drivinglicence", "driverlicensenumber", "driverslicensenumber", "dlnumber",
                "fuehrerschein", "führerschein");
        strong(map, PiiKind.PASSWORD, 90, "password", "passwd", "pwd", "passwordhash", "passworddigest", "passphrase",
                "encryptedpassword", "hashedpassword", "passwort", "motdepasse");
        strong(map, PiiKind.IP_ADDRESS, 90, "ipaddress", "ipaddr", "ipv4", "ipv6", "ipv4address", "ipv6address",
                "clientip", "remoteip", "sourceip", "srcip", "dstip", "destip", "userip", "loginip", "lastip",
                "remoteaddr", "remoteaddress", "clientaddr", "clientaddress", "ipadresse");
        weak(map, PiiKind.IP_ADDRESS, 70, "ip");
        strong(map, PiiKind.PERSON, 90, "firstname", "lastname", "fullname", "surname", "givenname", "familyname",
                "middlename", "maidenname", "forename", "firstnames", "lastnames", "vorname", "nachname",
                "prenom", "nomdefamille", "apellido", "apellidos", "cardholdername", "accountholdername",
                "personname", "patientname", "employeename");
        weak(map, PiiKind.PERSON, 60, "fname", "lname", "nickname", "customername", "clientname", "contactname",
                "membername", "ownername", "holdername", "authorname", "applicantname", "passengername", "guestname",
                "studentname", "recipientname", "sendername", "displayname", "legalname", "preferredname",
                "spousename", "username", "cardholder", "accountholder", "buyername", "payeename", "payername",
                "beneficiaryname", "doctorname", "physicianname", "teachername", "parentname", "fathername",
                "mothername", "childname", "drivername");
        strong(map, PiiKind.BIRTH_DATE, 90, "dob", "dateofbirth", "birthdate", "birthday", "birthdt", "dtofbirth",
                "geburtsdatum", "datenaissance", "datedenaissance", "fechanacimiento", "fechadenacimiento",
                "dateofdeath", "deathdate");
        weak(map, PiiKind.BIRTH_DATE, 60, "birth", "born", "bornon", "bday", "geboren");
        strong(map, PiiKind.LOCATION, 85, "address", "addresses", "streetaddress", "addressline", "street",
                "homeaddress", "mailingaddress", "billingaddress", "shippingaddress", "postaladdress",
                "residentialaddress", "city", "zip", "zipcode", "postcode", "postalcode", "postal", "plz",
                "county", "borough", "country", "placeofbirth", "birthplace", "adresse", "strasse", "straße",
                "hausnummer", "housenumber", "province");
        strong(map, PiiKind.NRP, 85, "gender", "sex", "nationality", "citizenship", "ethnicity", "religion",
                "geschlecht", "nationalite", "nationalitaet");
        neither(map, "macaddress", "macaddr", "hwaddress", "ethaddress", "walletaddress", "contractaddress",
                "webaddress", "hostname", "filename", "zipfile", "ziparchive", "mailserver", "mailhost",
                "emailserver", "ipaddressrange", "iprange", "ipblock", "voicemail", "cityhall", "giftcard",
                "giftcardnumber");
        for (String tail : TAIL_PHRASES) {
            if (map.get(tail) == null) {
                throw new IllegalStateException("tail phrase " + tail + " is not a phrase");
            }
        }
        return Map.copyOf(map);
    }

    /** Words after a phrase that make the column an attribute of the thing, not the thing. */
    private static final Set<String> ATTRIBUTES = Set.of(
            "count", "cnt", "counts", "total", "sent", "verified", "verification", "confirmed", "validated", "valid",
            "validity", "flag", "flags", "enabled", "disabled", "optin", "optout", "opted", "status", "type", "types",
            "kind", "domain", "template", "subject", "provider", "format", "length", "len", "hash", "hashed", "md5",
            "sha", "sha1", "sha256", "sha512", "digest", "encrypted", "token", "bounced", "bounce", "consent",
            "preference", "preferences", "frequency", "changed", "updated", "created", "modified", "at", "ts",
            "id", "ids", "uuid", "guid", "key", "fk", "ref", "visible", "visibility", "required", "masked", "mask",
            "pattern", "regex", "policy", "lat", "lng", "lon", "latitude", "longitude", "error", "errors", "date",
            "time", "timestamp", "year", "month", "confidence", "score", "quality", "match", "matched", "changes");
    /** First words that make the column a flag or a count ({@code is_email}, {@code num_phones}). */
    private static final Set<String> LEADING = Set.of(
            "is", "has", "num", "n", "nb", "no", "count", "cnt", "total", "pct", "percent", "avg", "min", "max",
            "sum", "can", "should", "allow", "send", "needs", "use", "uses");
    /** Words that say the values are codes, not personal data: no kind is recognized from the content alone. */
    private static final Set<String> CODE_WORDS = Set.of(
            "version", "ver", "semver", "build", "release", "revision", "checksum", "hash", "md5", "sha", "sha1",
            "sha256", "sha512", "digest", "uuid", "guid", "token", "signature", "nonce", "salt", "sku", "isbn",
            "ean", "gtin", "upc", "sequence", "seq", "serial", "oid");

    private static final int LONGEST_PHRASE_WORDS = 6;

    private record Match(int from, int to, int length, Phrase phrase) {
    }

    static Hints hints(String columnName) {
        List<String> words = words(columnName);
        if (words.isEmpty()) {
            return Hints.NONE;
        }
        boolean contentBlocked = words.stream().anyMatch(CODE_WORDS::contains);
        if (words.size() > 1 && LEADING.contains(words.get(0))) {
            return new Hints(Map.of(), contentBlocked);
        }
        if (words.size() == 1 && (words.get(0).equals("name") || words.get(0).equals("names"))) {
            return new Hints(Map.of(PiiKind.PERSON, new Hint(PiiKind.PERSON, 50, Strength.WEAK)), contentBlocked);
        }
        List<Match> matches = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            StringBuilder run = new StringBuilder();
            for (int j = i; j < words.size() && j < i + LONGEST_PHRASE_WORDS; j++) {
                String word = words.get(j);
                addMatch(matches, i, j + 1, run + word);
                String stripped = stripDigits(word);
                if (!stripped.equals(word) && !stripped.isEmpty()) {
                    addMatch(matches, i, j + 1, run + stripped);
                }
                run.append(word);
            }
            String word = stripDigits(words.get(i));
            for (String tail : TAIL_PHRASES) {
                if (word.length() > tail.length() && word.endsWith(tail)) {
                    matches.add(new Match(i, i + 1, tail.length(), PHRASES.get(tail)));
                }
            }
        }
        matches.sort(Comparator.comparingInt(Match::length).reversed()
                .thenComparingInt(m -> -m.phrase().score()));
        boolean[] taken = new boolean[words.size()];
        Map<PiiKind, Hint> byKind = new EnumMap<>(PiiKind.class);
        for (Match m : matches) {
            boolean free = true;
            for (int k = m.from(); k < m.to(); k++) {
                free &= !taken[k];
            }
            if (!free) {
                continue;
            }
            for (int k = m.from(); k < m.to(); k++) {
                taken[k] = true;
            }
            PiiKind kind = m.phrase().kind();
            if (kind == null || attributeAfter(words, m.to())) {
                continue;
            }
            Hint hint = new Hint(kind, m.phrase().score(), m.phrase().strength());
            byKind.merge(kind, hint, (a, b) -> a.score() >= b.score() ? a : b);
        }
        return new Hints(byKind, contentBlocked);
    }

    private static void addMatch(List<Match> matches, int from, int to, String run) {
        Phrase phrase = PHRASES.get(run);
        if (phrase != null) {
            matches.add(new Match(from, to, run.length(), phrase));
        }
    }

    private static boolean attributeAfter(List<String> words, int from) {
        for (int k = from; k < words.size(); k++) {
            if (ATTRIBUTES.contains(words.get(k))) {
                return true;
            }
        }
        return false;
    }

    private static String stripDigits(String word) {
        int end = word.length();
        while (end > 0 && Character.isDigit(word.charAt(end - 1))) {
            end--;
        }
        return word.substring(0, end);
    }

    /**
     * The lower-cased words of a column name: split at anything not a letter or digit and at camelCase humps
     * ({@code EMailAddress} → e, mail, address; {@code SSNNumber} → ssn, number); digits stay with their word
     * ({@code ipv4}, {@code address1}).
     */
    static List<String> words(String columnName) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int n = columnName.length();
        for (int i = 0; i < n; i++) {
            char c = columnName.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(words, word);
                continue;
            }
            if (Character.isUpperCase(c) && !word.isEmpty()) {
                char previous = columnName.charAt(i - 1);
                boolean nextLower = i + 1 < n && Character.isLowerCase(columnName.charAt(i + 1));
                if (Character.isLowerCase(previous) || Character.isDigit(previous)
                        || (Character.isUpperCase(previous) && nextLower)) {
                    flush(words, word);
                }
            }
            word.append(c);
        }
        flush(words, word);
        return words;
    }

    private static void flush(List<String> words, StringBuilder word) {
        if (!word.isEmpty()) {
            words.add(word.toString().toLowerCase(Locale.ROOT));
            word.setLength(0);
        }
    }
}
