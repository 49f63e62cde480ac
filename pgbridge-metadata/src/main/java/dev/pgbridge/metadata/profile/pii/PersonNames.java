package dev.pgbridge.metadata.profile.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Person names: the shape of a name ({@code Ann Lee}, {@code O'Brien}, {@code Smith-Jones}, {@code van der Berg},
 * {@code LEE, Ann}) and a small built-in list of common given names and surnames (English, German, French, Spanish,
 * Italian, Dutch, Indian and Chinese). The list is what keeps precision: a value counts as a full name without any
 * hint from the column name only when its first word is a listed given name and its last a listed surname.
 */
final class PersonNames {
    private PersonNames() {
    }

    static final Set<String> GIVEN_NAMES = Set.copyOf(List.of(
            "james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas", "charles",
            "christopher", "daniel", "matthew", "anthony", "donald", "steven", "paul", "andrew", "joshua", "kenneth",
            "kevin", "brian", "george", "edward", "ronald", "timothy", "jason", "jeffrey", "ryan", "jacob", "gary",
            "nicholas", "eric", "jonathan", "stephen", "larry", "justin", "scott", "brandon", "benjamin", "samuel",
            "gregory", "frank", "alexander", "raymond", "patrick", "jack", "dennis", "jerry", "tyler", "aaron",
            "henry", "adam", "peter", "nathan", "zachary", "kyle", "walter", "harold", "carl", "jeremy", "keith",
            "roger", "gerald", "ethan", "arthur", "terry", "christian", "sean", "lawrence", "austin", "joe", "noah",
            "jesse", "albert", "bryan", "billy", "bruce", "willie", "jordan", "dylan", "alan", "ralph", "gabriel",
            "roy", "juan", "wayne", "eugene", "logan", "randy", "louis", "russell", "vincent", "philip", "bobby",
            "johnny", "bradley", "oliver", "harry", "liam", "lucas", "mason", "leo", "oscar", "charlie", "alfie",
            "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen",
            "nancy", "lisa", "betty", "margaret", "sandra", "ashley", "kimberly", "emily", "donna", "michelle",
            "dorothy", "carol", "amanda", "melissa", "deborah", "stephanie", "rebecca", "sharon", "laura", "cynthia",
            "kathleen", "amy", "shirley", "angela", "helen", "anna", "brenda", "pamela", "nicole", "emma", "samantha",
            "katherine", "christine", "debra", "rachel", "catherine", "carolyn", "janet", "ruth", "maria", "heather",
            "diane", "virginia", "julie", "joyce", "victoria", "olivia", "kelly", "christina", "lauren", "joan",
            "evelyn", "judith", "megan", "cheryl", "andrea", "hannah", "martha", "jacqueline", "frances", "gloria",
            "ann", "anne", "teresa", "kathryn", "sara", "janice", "jean", "alice", "madison", "doris", "abigail",
            "julia", "judy", "grace", "denise", "amber", "marilyn", "beverly", "danielle", "theresa", "sophia",
            "marie", "diana", "brittany", "natalie", "isabella", "charlotte", "rose", "alexis", "kayla", "amelia",
            "isla", "ava", "mia", "ella", "chloe", "lily", "sophie", "ruby", "freya", "poppy", "jessica",
            "hans", "peter", "klaus", "wolfgang", "jürgen", "juergen", "dieter", "uwe", "frank", "stefan", "andreas",
            "thomas", "markus", "matthias", "jan", "lukas", "jonas", "felix", "maximilian", "tobias", "sebastian",
            "florian", "moritz", "niklas", "ursula", "monika", "petra", "sabine", "renate", "helga", "karin",
            "brigitte", "ingrid", "claudia", "susanne", "andrea", "birgit", "katharina", "julia", "lena", "laura",
            "leonie", "lea", "jean", "pierre", "michel", "philippe", "alain", "nicolas", "christophe", "patrick",
            "françois", "francois", "laurent", "julien", "antoine", "mathieu", "guillaume", "thibault", "camille",
            "nathalie", "isabelle", "sylvie", "catherine", "françoise", "francoise", "valérie", "valerie", "céline",
            "celine", "sandrine", "chloé", "manon", "léa", "josé", "jose", "antonio", "manuel", "francisco", "javier",
            "carlos", "miguel", "alejandro", "pablo", "sergio", "jorge", "luis", "carmen", "lucía", "lucia", "elena",
            "isabel", "laura", "marta", "cristina", "pilar", "rosa", "giuseppe", "giovanni", "marco", "luca",
            "alessandro", "andrea", "francesco", "matteo", "lorenzo", "giulia", "francesca", "chiara", "sara",
            "federica", "valentina", "silvia", "daan", "sem", "bram", "sven", "pieter", "jeroen", "sanne", "femke",
            "eva", "anouk", "lotte", "fleur", "raj", "rahul", "amit", "sanjay", "vijay", "anil", "suresh", "arjun",
            "priya", "anjali", "neha", "pooja", "sunita", "deepa", "kavya", "wei", "fang", "min", "jing", "li",
            "yan", "hui", "ying", "xiaoming", "hiroshi", "takashi", "yuki", "haruto", "sakura", "mohammed",
            "muhammad", "ahmed", "ali", "omar", "fatima", "aisha", "youssef", "olga", "ivan", "dmitri", "sergei",
            "natalia", "tatiana", "anna", "piotr", "katarzyna", "agnieszka", "magnus", "erik", "lars", "anders",
            "ingrid", "astrid", "sofia", "emil"));

    static final Set<String> SURNAMES = Set.copyOf(List.of(
            "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
            "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin",
            "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson",
            "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores", "green",
            "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter", "roberts", "gomez",
            "phillips", "evans", "turner", "diaz", "parker", "cruz", "edwards", "collins", "reyes", "stewart",
            "morris", "morales", "murphy", "cook", "rogers", "gutierrez", "ortiz", "morgan", "cooper", "peterson",
            "bailey", "reed", "kelly", "howard", "ramos", "kim", "cox", "ward", "richardson", "watson", "brooks",
            "chavez", "wood", "james", "bennett", "gray", "mendoza", "ruiz", "hughes", "price", "alvarez",
            "castillo", "sanders", "patel", "myers", "long", "ross", "foster", "jimenez", "powell", "jenkins",
            "perry", "russell", "sullivan", "bell", "coleman", "butler", "henderson", "barnes", "fisher",
            "vasquez", "simmons", "graham", "murray", "ford", "hamilton", "wallace", "west", "cole", "hayes",
            "byrne", "o'brien", "o'connor", "o'neill", "kennedy", "lynch", "walsh", "mccarthy", "doyle", "davies",
            "jones", "evans", "thomas", "roberts", "hughes", "lewis", "morgan", "griffiths", "owen", "jenkins",
            "müller", "mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker", "schulz",
            "hoffmann", "schäfer", "schaefer", "koch", "bauer", "richter", "klein", "wolf", "schröder", "schroeder",
            "neumann", "schwarz", "zimmermann", "braun", "krüger", "krueger", "hofmann", "hartmann", "lange",
            "schmitt", "werner", "krause", "meier", "lehmann", "huber", "martin", "bernard", "dubois", "durand",
            "leroy", "moreau", "simon", "laurent", "lefebvre", "michel", "fournier", "girard", "bonnet", "dupont",
            "lambert", "fontaine", "rousseau", "vincent", "muller", "lefevre", "faure", "andre", "mercier",
            "blanc", "guerin", "boyer", "chevalier", "garnier", "rossi", "russo", "ferrari", "esposito", "bianchi",
            "romano", "colombo", "ricci", "marino", "greco", "bruno", "gallo", "conti", "costa", "giordano",
            "mancini", "rizzo", "lombardi", "moretti", "fernandez", "fernández", "garcía", "gonzález", "rodríguez",
            "lópez", "martínez", "sánchez", "pérez", "gómez", "martín", "jiménez", "díaz", "moreno", "muñoz",
            "alonso", "romero", "navarro", "gil", "serrano", "de jong", "jansen", "de vries", "van den berg",
            "van dijk", "bakker", "janssen", "visser", "smit", "meijer", "de boer", "mulder", "de groot", "bos",
            "vos", "peters", "hendriks", "van leeuwen", "dekker", "brouwer", "sharma", "singh", "kumar", "gupta",
            "verma", "reddy", "rao", "iyer", "nair", "das", "mehta", "joshi", "shah", "wang", "li", "zhang",
            "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "lin",
            "tanaka", "suzuki", "takahashi", "watanabe", "ito", "yamamoto", "nakamura", "kobayashi", "sato",
            "ivanov", "smirnov", "kuznetsov", "popov", "nowak", "kowalski", "wiśniewski", "wojcik", "kowalczyk",
            "andersson", "johansson", "karlsson", "nilsson", "eriksson", "larsson", "olsen", "hansen", "nielsen",
            "jensen", "khan", "ahmed", "hassan", "hussein", "ali", "ibrahim", "silva", "santos", "oliveira",
            "souza", "pereira", "ferreira", "almeida", "carvalho"));

    private static final Set<String> PARTICLES = Set.of(
            "van", "von", "de", "der", "den", "da", "das", "del", "della", "di", "du", "la", "le", "ten", "ter",
            "bin", "binti", "al", "el", "y", "zu", "dos");

    /** The words of a name-shaped value in reading order (given names first), lower-cased; empty when not a name. */
    static List<String> words(String value) {
        if (value.length() > 60) {
            return List.of();
        }
        String v = value;
        int comma = v.indexOf(',');
        if (comma >= 0) {
            // "Lee, Ann" → "Ann Lee"
            if (v.indexOf(',', comma + 1) >= 0) {
                return List.of();
            }
            v = v.substring(comma + 1).trim() + " " + v.substring(0, comma).trim();
        }
        String[] parts = v.trim().split(" +");
        if (parts.length == 0 || parts.length > 5) {
            return List.of();
        }
        boolean allUpper = v.equals(v.toUpperCase(Locale.ROOT));
        List<String> words = new ArrayList<>(parts.length);
        int significant = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String lower = part.toLowerCase(Locale.ROOT);
            if (PARTICLES.contains(lower) && i < parts.length - 1) {
                words.add(lower);
                continue;
            }
            if (!nameWord(part, allUpper || GIVEN_NAMES.contains(lower) || SURNAMES.contains(lower))) {
                return List.of();
            }
            words.add(lower);
            if (part.replace(".", "").length() >= 2) {
                significant++;
            }
        }
        return significant == 0 ? List.of() : words;
    }

    /** A capitalized word of letters with inner apostrophes, hyphens or a trailing initial's dot. */
    private static boolean nameWord(String word, boolean upperAllowed) {
        int n = word.length();
        if (n == 0 || !Character.isUpperCase(word.charAt(0))) {
            return false;
        }
        boolean sawLower = false;
        for (int i = 0; i < n; i++) {
            char c = word.charAt(i);
            if (Character.isLetter(c)) {
                sawLower |= Character.isLowerCase(c);
                continue;
            }
            boolean inner = i > 0 && i < n - 1 && Character.isLetter(word.charAt(i - 1));
            if ((c == '\'' || c == '’' || c == '-') && inner) {
                continue;
            }
            if (c == '.' && i == n - 1 && n <= 3) {
                continue;
            }
            return false;
        }
        // An upper-case word passes when the whole value is upper-case or the word is a listed name ("LEE, Ann");
        // "IBM" inside a mixed-case value does not.
        return upperAllowed || sawLower || n <= 2;
    }

    /**
     * Name-shaped whatever the letter case ({@code ann lee}, {@code ANN LEE}): what a column named {@code first_name}
     * or {@code surname} holds.
     */
    static boolean isNameShaped(String value) {
        return !words(capitalized(value)).isEmpty();
    }

    private static String capitalized(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean start = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(start ? Character.toUpperCase(c) : c);
            start = c == ' ' || c == '-' || c == ',';
        }
        return out.toString();
    }

    /** Name-shaped with at least one listed given name or surname. */
    static boolean hasListedName(String value) {
        List<String> words = words(value);
        for (int i = 0; i < words.size(); i++) {
            if (GIVEN_NAMES.contains(words.get(i)) || SURNAMES.contains(surnameFrom(words, i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A full name without help from the column name: two to four words, the first a listed given name and the last
     * (with its particles: {@code van den Berg}) a listed surname.
     */
    static boolean isFullName(String value) {
        List<String> words = words(value);
        if (words.size() < 2 || words.size() > 4 || !GIVEN_NAMES.contains(words.get(0))) {
            return false;
        }
        int start = words.size() - 1;
        while (start > 1 && PARTICLES.contains(words.get(start - 1))) {
            start--;
        }
        return SURNAMES.contains(String.join(" ", words.subList(start, words.size())))
                || SURNAMES.contains(words.get(words.size() - 1));
    }

    private static String surnameFrom(List<String> words, int index) {
        return String.join(" ", words.subList(index, words.size()));
    }
}
