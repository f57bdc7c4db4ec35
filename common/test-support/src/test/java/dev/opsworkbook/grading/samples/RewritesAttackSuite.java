package dev.opsworkbook.grading.samples;

class RewritesAttackSuite extends AttackSuite {
    @Override
    void attack() throws Exception {
        Forgery.keepRewritingResults();
    }
}
